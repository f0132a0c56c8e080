"""Relevance metrics on a judged set: precision@k, nDCG@k with graded gains, the document
ranking read off paragraph hits, and the judged file's format."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from kejin.search.model import rank_documents
from kejin.search.relevance import (
    JudgedQuery,
    distinct_in_order,
    evaluate,
    ndcg_at,
    precision_at,
    read_judged,
)

GRADES = {"a": 2, "b": 1, "c": 0, "d": 2}


def test_precision_counts_grade_one_and_above_over_k_places() -> None:
    assert precision_at(["a", "c", "b", "x", "d"], GRADES, 5) == pytest.approx(3 / 5)
    assert precision_at(["a", "c", "b", "x", "d"], GRADES, 2) == pytest.approx(1 / 2)


def test_precision_counts_empty_places_as_not_relevant() -> None:
    assert precision_at(["a"], GRADES, 5) == pytest.approx(1 / 5)
    assert precision_at([], GRADES, 5) == 0


def test_ndcg_is_one_for_the_ideal_order_and_less_for_any_other() -> None:
    assert ndcg_at(["a", "d", "b", "c"], GRADES, 10) == pytest.approx(1)
    assert ndcg_at(["d", "a", "b"], GRADES, 10) == pytest.approx(1)  # ties in either order
    assert ndcg_at(["b", "a", "d"], GRADES, 10) < 1


def test_ndcg_uses_gains_two_to_the_grade_minus_one_and_a_log_discount() -> None:
    ranked = ["b", "x", "a"]  # gains 1, 0, 3 at ranks 1, 2, 3
    dcg = 1 / math.log2(2) + 3 / math.log2(4)
    ideal = 3 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(ranked, GRADES, 10) == pytest.approx(dcg / ideal)


def test_ndcg_cuts_both_the_ranking_and_the_ideal_at_k() -> None:
    assert ndcg_at(["a", "b"], GRADES, 1) == pytest.approx(1)
    assert ndcg_at(["b", "a"], GRADES, 1) == pytest.approx(1 / 3)


def test_ndcg_is_zero_when_nothing_judged_is_relevant() -> None:
    assert ndcg_at(["c", "x"], {"c": 0}, 10) == 0


@pytest.mark.parametrize("metric", [precision_at, ndcg_at])
def test_k_must_be_positive(metric: object) -> None:
    with pytest.raises(ValueError, match="k must be"):
        metric(["a"], GRADES, 0)  # type: ignore[operator]


def test_documents_of_paragraph_hits_keep_their_first_place() -> None:
    hits = [("a", 3), ("b", 1), ("a", 1), ("c", 9), ("b", 2)]
    assert distinct_in_order(document for document, _ in hits) == ["a", "b", "c"]


def test_evaluate_averages_each_query_and_refuses_a_document_named_twice() -> None:
    judged = [JudgedQuery("q1", {"a": 2, "b": 1}), JudgedQuery("q2", {"c": 1})]
    rankings = {"q1": ["a", "b"], "q2": ["x", "y", "c"]}
    result = evaluate(judged, lambda query: rankings[query], precision_k=2, ndcg_k=3)
    assert [q.precision for q in result.queries] == [1.0, 0.0]
    assert result.precision == pytest.approx(0.5)
    assert result.ndcg == pytest.approx((1 + 1 / math.log2(4)) / 2)
    with pytest.raises(ValueError, match="twice"):
        evaluate(judged, lambda query: ["a", "a"])


def test_read_judged_reads_grades_and_refuses_another_grade(tmp_path: Path) -> None:
    path = tmp_path / "judged.json"
    path.write_text(json.dumps({"queries": [{"query": "征信", "judgements": {"a": 2}}]}))
    assert read_judged(path) == [JudgedQuery("征信", {"a": 2})]
    path.write_text(json.dumps({"queries": [{"query": "征信", "judgements": {"a": 3}}]}))
    with pytest.raises(ValueError, match="征信"):
        read_judged(path)


def test_a_document_scores_its_best_paragraphs_with_decaying_weights() -> None:
    hits = [(1, 5.0), (2, 4.0), (2, 3.0), (2, 2.0), (2, 9.0), (3, 1.0)]
    assert rank_documents(hits) == [
        (2, pytest.approx(9 + 4 / 2 + 3 / 4)),
        (1, 5.0),
        (3, 1.0),
    ]


def test_one_strong_paragraph_still_beats_many_weak_ones() -> None:
    hits = [(1, 10.0), (2, 3.0), (2, 3.0), (2, 3.0), (2, 3.0)]
    assert [document for document, _ in rank_documents(hits)] == [1, 2]


def test_documents_with_equal_scores_are_ordered_by_id() -> None:
    assert rank_documents([(7, 1.0), (3, 1.0)]) == [(3, 1.0), (7, 1.0)]
