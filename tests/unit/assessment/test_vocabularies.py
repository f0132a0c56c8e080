"""Other input vocabularies and one firm against many rule sets.

A TEST-ONLY snapshot subclass adds a text input, a token set and a count; rule sets reading them
are parsed against its vocabulary and the batch path (default and coded output) answers what the
scalar engine answers. `assess_many` answers what `assess` answers, rule set by rule set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kejin.assessment.batch.verdicts import assess_frame
from kejin.assessment.errors import InvalidRuleSet
from kejin.assessment.inputs.frames import snapshot_frame, vocabulary_of
from kejin.assessment.model import CriterionResult, EnterpriseSnapshot, Status
from kejin.assessment.standards.engine import assess, assess_many
from kejin.assessment.standards.rules import RuleSet, parse_ruleset
from tests.unit.assessment.both_paths import assert_both_paths_agree
from tests.unit.assessment.edge_snapshots import RULESETS, snapshots

ON = dt.date(2025, 6, 1)


@dataclasses.dataclass(frozen=True, slots=True)
class WiderSnapshot(EnterpriseSnapshot):
    """TEST-ONLY: the snapshot with a funding stage, standards met and innovation points."""

    stage: str | None = None
    standards_met: frozenset[str] | None = None
    innovation_points: int | None = None


WIDER = vocabulary_of(WiderSnapshot)


def _label(text: str) -> dict[str, str]:
    return {"zh": text, "en": text}


def _leaf(id_: str, kind: str, measure: str, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "kind": kind, "label": _label(id_), "measure": measure, **fields}


def _product(code: str, verdict: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": code,
        "name_zh": code,
        "name_en": code,
        "issuer": "TEST ONLY",
        "doc_no": "TEST ONLY",
        "version": "1",
        "effective_from": "2020-01-01",
        "effective_to": None,
        "source_url": "",
        "verdict": verdict,
    }


def _stage(id_: str) -> dict[str, Any]:
    return _leaf(id_, "contains_any", "stage", members=["seed", "start_up"])


def _points_at_least(id_: str, value: int) -> dict[str, Any]:
    return _leaf(id_, "threshold", "innovation_points", op=">=", value=Decimal(value))


# Two products sharing leaves (alike but for their ids), mixing new and snapshot inputs.
LOAN = _product(
    "loan",
    {
        "id": "loan",
        "kind": "all_of",
        "label": _label("loan"),
        "children": [
            {
                "id": "loan.early",
                "kind": "any_of",
                "label": _label("early"),
                "children": [
                    _stage("loan.stage"),
                    _leaf("loan.cert", "contains_any", "certifications", members=["hnte"]),
                ],
            },
            _leaf("loan.standard", "contains_any", "standards_met", members=["hnte", "tech_sme"]),
            _points_at_least("loan.points", 600),
            {
                "id": "loan.rate",
                "kind": "ladder",
                "label": _label("rate"),
                "rungs": [
                    {"points": 10, "when": _leaf("loan.a", "contains_any", "stage", members=["a"])},
                    {"points": 5, "when": _points_at_least("loan.high", 800)},
                ],
            },
        ],
    },
)
GRANT = _product(
    "grant",
    {
        "id": "grant",
        "kind": "any_of",
        "label": _label("grant"),
        "children": [
            _stage("grant.stage"),
            _points_at_least("grant.points", 600),
            _leaf("grant.revenue", "threshold", "revenue", op="<", value=Decimal(10_000_000)),
        ],
    },
)
PRODUCTS = tuple(parse_ruleset(data, WIDER.names) for data in (LOAN, GRANT))

STAGES = st.sampled_from([None, "seed", "start_up", "a", "series_a", ""])
POINTS = st.none() | st.sampled_from([599, 600, 601, 800]) | st.integers(-(10**17), 10**17)


@st.composite
def wider_snapshots(draw: st.DrawFn) -> WiderSnapshot:
    """A snapshot from the edge strategy with the three new inputs drawn; huge points send the
    row to the scalar engine."""
    base = draw(snapshots())
    fields = {field.name: getattr(base, field.name) for field in dataclasses.fields(base)}
    return WiderSnapshot(
        **fields,
        stage=draw(STAGES),
        standards_met=draw(st.none() | st.frozensets(st.sampled_from(["hnte", "tech_sme", "x"]))),
        innovation_points=draw(POINTS),
    )


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(wider_snapshots(), min_size=1, max_size=20))
def test_the_batch_path_equals_the_scalar_engine_on_another_vocabulary(
    batch: list[WiderSnapshot],
) -> None:
    assert_both_paths_agree([(ON, PRODUCTS)], batch, WIDER)


def test_a_row_read_back_keeps_the_vocabulary_class() -> None:
    snapshot = WiderSnapshot(staff=3, stage="seed", standards_met=frozenset({"hnte"}))
    frame = snapshot_frame([snapshot], vocabulary=WIDER)
    assert frame.schema["stage"] == pl.String()
    assert frame.schema["standards_met"] == pl.List(pl.String())
    assert WIDER.from_row(frame.row(0, named=True)) == snapshot


def test_a_rule_reading_an_input_outside_the_vocabulary_is_refused() -> None:
    with pytest.raises(InvalidRuleSet, match="'stage'"):
        parse_ruleset(LOAN)
    frame = snapshot_frame([WiderSnapshot()], vocabulary=WIDER)
    with pytest.raises(InvalidRuleSet, match="not in the frame's vocabulary"):
        assess_frame(PRODUCTS, frame, ON)


def test_a_text_input_is_one_token() -> None:
    loan, _ = PRODUCTS
    stage = {
        value: assess(loan, WiderSnapshot(stage=value), ON).verdict.find("loan.stage")
        for value in ("seed", "series_a", None)
    }
    assert {value: result.status for value, result in stage.items() if result} == {
        "seed": Status.MET,
        "series_a": Status.UNMET,
        None: Status.UNKNOWN,
    }


# --- one firm, many rule sets ----------------------------------------------------------------


def _silent(result: CriterionResult) -> CriterionResult:
    children = tuple(_silent(child) for child in result.children)
    return dataclasses.replace(result, sentence_zh="", sentence_en="", children=children)


MANY: tuple[RuleSet, ...] = (
    *(ruleset for ruleset in RULESETS if ruleset.version.in_force(ON)),
    *PRODUCTS,
    *PRODUCTS,  # the very same rule sets again: every input criterion is recalled
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wider_snapshots())
def test_assess_many_answers_what_assess_answers_for_each_rule_set(
    snapshot: WiderSnapshot,
) -> None:
    explained = tuple(assess(ruleset, snapshot, ON) for ruleset in MANY)
    assert assess_many(MANY, snapshot, ON, explain=True) == explained
    silent = assess_many(MANY, snapshot, ON)
    assert silent == tuple(assess(ruleset, snapshot, ON, explain=False) for ruleset in MANY)
    assert [a.verdict for a in silent] == [_silent(a.verdict) for a in explained]


def test_alike_criteria_with_other_labels_keep_their_own_sentences() -> None:
    loan, grant = PRODUCTS
    relabelled = parse_ruleset(
        {**GRANT, "code": "grant2", "verdict": {**_stage("other"), "label": _label("Stage?")}},
        WIDER.names,
    )
    snapshot = WiderSnapshot(stage="seed")
    many = assess_many([loan, grant, relabelled], snapshot, ON, explain=True)
    assert many[2].verdict == assess(relabelled, snapshot, ON).verdict
    assert many[2].verdict.sentence_en.startswith("Stage?: met")
