"""Checks that the batch path answers what the scalar engine answers, row by row and criterion
by criterion, and that the coded output (`codes=True`) carries the same answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl

from kejin.assessment.batch.blocks import CODES, STATUS
from kejin.assessment.batch.verdicts import assess_frame
from kejin.assessment.inputs.frames import SNAPSHOT_VOCABULARY, Vocabulary, snapshot_frame
from kejin.assessment.model import CriterionResult, EnterpriseSnapshot, Status
from kejin.assessment.standards import engine
from kejin.assessment.standards.rules import Criterion, RuleSet


def expected_columns(criterion: Criterion, result: CriterionResult) -> Iterator[tuple[str, Any]]:
    """The detail columns the batch path gives for one criterion's scalar result."""
    yield f"{criterion.id}.status", result.status.value
    yield f"{criterion.id}.low", None if result.points is None else result.points.low
    yield f"{criterion.id}.high", None if result.points is None else result.points.high
    if criterion.kind in ("best_of", "ladder"):
        yield f"{criterion.id}.chosen", result.chosen
    inner = (*criterion.children, *(rung.when for rung in criterion.rungs))
    for child, child_result in zip(inner, result.children, strict=True):
        yield from expected_columns(child, child_result)


def differences(
    rulesets: Sequence[RuleSet], on: dt.date, snapshot: EnterpriseSnapshot, row: dict[str, Any]
) -> Iterator[str]:
    for ruleset in rulesets:
        verdict = engine.assess(ruleset, snapshot, on).verdict
        code = ruleset.version.code
        expected = dict(expected_columns(ruleset.root, verdict))
        expected |= {
            f"{code}.status": verdict.status.value,
            f"{code}.low": None if verdict.points is None else verdict.points.low,
            f"{code}.high": None if verdict.points is None else verdict.points.high,
        }
        for column, value in expected.items():
            if row[column] != value:
                yield f"{column}: batch {row[column]!r}, scalar {value!r} for {snapshot}"


def assert_both_paths_agree(
    groups: Sequence[tuple[dt.date, Sequence[RuleSet]]],
    batch: Sequence[EnterpriseSnapshot],
    vocabulary: Vocabulary = SNAPSHOT_VOCABULARY,
) -> None:
    """For each (date, rule sets): every row's detail equals `engine.assess`, and the coded
    output says the same."""
    frame = snapshot_frame(batch, vocabulary=vocabulary)
    for on, rulesets in groups:
        answer = assess_frame(rulesets, frame, on, detail=True, vocabulary=vocabulary)
        assert answer.height == len(batch)
        for snapshot, row, source in zip(
            batch, answer.iter_rows(named=True), frame.iter_rows(named=True), strict=True
        ):
            assert vocabulary.from_row(source) == snapshot
            assert row["uscc"] == source["uscc"]
            found = list(differences(rulesets, on, snapshot, row))
            assert not found, found[:3]
        coded = assess_frame(rulesets, frame, on, detail=True, vocabulary=vocabulary, codes=True)
        assert_codes_agree(answer, coded)


def assert_codes_agree(answer: pl.DataFrame, coded: pl.DataFrame) -> None:
    """`coded` is `answer` with Int8 status codes, less the points columns that are always null."""
    assert set(coded.columns) <= set(answer.columns)
    types = coded.schema
    for column in answer.columns:
        values = answer.get_column(column)
        if column.endswith(".status"):
            assert types[column] == STATUS
            codes = [CODES[Status(status)] for status in values]
            assert coded.get_column(column).to_list() == codes, column
        elif column in coded.columns:
            assert coded.get_column(column).equals(values), column
        else:
            assert column.endswith((".low", ".high")), column
            assert values.null_count() == answer.height, column
