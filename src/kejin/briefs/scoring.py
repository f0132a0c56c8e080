"""How central a sentence is to its document: terms from rjieba segmentation (with the
domain dictionary, `kejin.core.words`), weighted by the
document's own statistics (term frequency in the document × inverse sentence frequency), a
sentence's score the cosine between its term vector and the document's, raised for sentences
near the start; redundancy removed by maximal marginal relevance. Pure and deterministic:
sums run over terms in first-seen order and ties break by position in the document."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kejin.briefs.sentences import Sentence
from kejin.core.words import cut

LEAD_SHARE = 0.2  # the opening fifth of the sentences gets the position prior …
LEAD_BOOST = 0.3  # … up to +30 % for the very first sentence
MMR_LAMBDA = 0.7  # relevance against novelty when picking bullets
NEAR_DUPLICATE = 0.9  # a candidate this similar to one already picked is dropped
MMR_POOL = 10  # candidates considered per bullet wanted
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}|[a-z][a-z'-]{2,}")
_STOP_WORDS = frozenset(
    {
        "the", "and", "for", "that", "with", "this", "are", "was", "were", "from", "has",
        "have", "been", "its", "their", "which", "such", "into", "also", "not", "but", "all",
        "其他", "有关", "以及", "进行", "按照", "或者", "以上", "以下", "我们", "一个", "这些",
    }
)  # fmt: skip

Vector = dict[str, float]


@dataclass(frozen=True, slots=True)
class Scored:
    """A sentence with its term vector and its score."""

    sentence: Sentence
    vector: Vector
    score: float


def terms(text: str) -> list[str]:
    """Content words of a text: segmented by rjieba, lower-cased; single characters, numbers,
    punctuation and stop words left out."""
    words = (word.strip().lower() for word in cut(text))
    return [word for word in words if _WORD.fullmatch(word) and word not in _STOP_WORDS]


def score_sentences(sentences: Sequence[Sentence]) -> list[Scored]:
    """Every sentence scored by centrality × position prior, in document order."""
    counts = [Counter(terms(sentence.text)) for sentence in sentences]
    frequency: Counter[str] = Counter()
    document: Counter[str] = Counter()
    for count in counts:
        frequency.update(count.keys())
        document.update(count)
    total = len(sentences)
    weight = {term: math.log((total + 1) / (n + 1)) + 1 for term, n in frequency.items()}
    centre = _unit({term: n * weight[term] for term, n in document.items()})
    lead = max(1.0, LEAD_SHARE * total)
    scored = []
    for sentence, count in zip(sentences, counts, strict=True):
        vector = _unit({term: n * weight[term] for term, n in count.items()})
        prior = 1 + LEAD_BOOST * max(0.0, 1 - sentence.index / lead)
        scored.append(Scored(sentence, vector, cosine(vector, centre) * prior))
    return scored


def cosine(left: Vector, right: Vector) -> float:
    """Cosine of two unit vectors."""
    if len(right) < len(left):
        left, right = right, left
    return sum(value * right.get(term, 0.0) for term, value in left.items())


def pick(candidates: Sequence[Scored], count: int, taken: Sequence[Scored] = ()) -> list[Scored]:
    """Up to `count` of the best-scored candidates by maximal marginal relevance: each next
    one maximises λ·score − (1 − λ)·(its highest similarity to those already picked or
    `taken`); near duplicates of a picked one are dropped. Only the `MMR_POOL` × `count`
    best-scored are considered, which keeps long documents fast."""
    ranked = sorted(candidates, key=lambda c: (-c.score, c.sentence.index))
    pool = ranked[: MMR_POOL * count]
    top = (pool[0].score if pool else 0.0) or 1.0
    nearest = {c.sentence.index: _similarity(c, taken) for c in pool}
    chosen: list[Scored] = []
    while pool and len(chosen) < count:
        best = max(
            pool,
            key=lambda c: (
                MMR_LAMBDA * c.score / top - (1 - MMR_LAMBDA) * nearest[c.sentence.index],
                -c.sentence.index,
            ),
        )
        pool.remove(best)
        if nearest[best.sentence.index] < NEAR_DUPLICATE:
            chosen.append(best)
            for other in pool:
                similarity = cosine(other.vector, best.vector)
                nearest[other.sentence.index] = max(nearest[other.sentence.index], similarity)
    return chosen


def _similarity(candidate: Scored, picked: Sequence[Scored]) -> float:
    return max((cosine(candidate.vector, other.vector) for other in picked), default=0.0)


def _unit(vector: Vector) -> Vector:
    norm = math.sqrt(sum(value * value for value in vector.values()))
    return {term: value / norm for term, value in vector.items()} if norm else {}
