"""Relevance on a judged query set (相关性评测), the pure part: precision@k and nDCG@k of a
document ranking against graded judgements, and the document ranking read off paragraph hits.

Judgements grade documents 0 (not relevant), 1 (a paragraph addresses the topic) or 2 (the
document is about it); a document not judged counts as 0 (the set is pooled). A document
counts as relevant for precision when its grade is 1 or more; nDCG gains `2**grade - 1` at
rank `r` (from 1) discounted by `log2(r + 1)`, over the ideal ordering of the judgements.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True, slots=True)
class JudgedQuery:
    """A query and the grade (0, 1 or 2) of each document judged for it, by external id."""

    query: str
    judgements: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class QueryScore:
    query: str
    precision: float
    ndcg: float
    ranked: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Each query's precision@k and nDCG@k, and their means over the set."""

    precision_k: int
    ndcg_k: int
    queries: tuple[QueryScore, ...]

    @property
    def precision(self) -> float:
        return fmean(q.precision for q in self.queries) if self.queries else 0.0

    @property
    def ndcg(self) -> float:
        return fmean(q.ndcg for q in self.queries) if self.queries else 0.0


def read_judged(path: Path) -> list[JudgedQuery]:
    """The judged queries of a JSON file: `{"queries": [{"query", "judgements": {id: grade}}]}`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    judged = []
    for item in data["queries"]:
        grades = {str(key): int(value) for key, value in item["judgements"].items()}
        if any(grade not in (0, 1, 2) for grade in grades.values()):
            raise ValueError(f"{item['query']}: a grade is not 0, 1 or 2")
        judged.append(JudgedQuery(str(item["query"]), grades))
    return judged


def distinct_in_order(keys: Iterable[Key]) -> list[Key]:
    """Each key once, where it first appears: the documents of ranked paragraph hits."""
    return list(dict.fromkeys(keys))


def precision_at(ranked: Sequence[str], judgements: Mapping[str, int], k: int) -> float:
    """The share of the first `k` places holding a relevant document (grade ≥ 1); places left
    empty by a shorter ranking count as not relevant."""
    if k < 1:
        raise ValueError("k must be 1 or more")
    return sum(judgements.get(key, 0) >= 1 for key in ranked[:k]) / k


def ndcg_at(ranked: Sequence[str], judgements: Mapping[str, int], k: int) -> float:
    """Normalised discounted cumulative gain of the first `k` places (gain `2**grade - 1`);
    0 when no judged document is relevant."""
    if k < 1:
        raise ValueError("k must be 1 or more")
    ideal = _dcg(sorted(judgements.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return _dcg([judgements.get(key, 0) for key in ranked[:k]]) / ideal


def _dcg(grades: Sequence[int]) -> float:
    return sum(
        ((1 << grade) - 1) / math.log2(rank + 1) for rank, grade in enumerate(grades, start=1)
    )


def evaluate(
    judged: Sequence[JudgedQuery],
    rank: Callable[[str], Sequence[str]],
    precision_k: int = 5,
    ndcg_k: int = 10,
) -> Evaluation:
    """Precision@`precision_k` and nDCG@`ndcg_k` of `rank` (query → external ids, best first,
    each once) on every judged query."""
    scores = []
    for item in judged:
        ranked = tuple(rank(item.query))
        if len(set(ranked)) != len(ranked):
            raise ValueError(f"{item.query}: the ranking names a document twice")
        scores.append(
            QueryScore(
                item.query,
                precision_at(ranked, item.judgements, precision_k),
                ndcg_at(ranked, item.judgements, ndcg_k),
                ranked,
            )
        )
    return Evaluation(precision_k, ndcg_k, tuple(scores))
