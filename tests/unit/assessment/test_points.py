"""Innovation points: mid-rank percentiles from cohort histograms worked by hand, missing
indicators, pooling of small cohorts, the configuration checks, and the frame path agreeing with
the one-snapshot path."""

from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kejin.assessment.errors import InvalidRuleSet
from kejin.assessment.inputs.frames import snapshot_frame, snapshot_from_row
from kejin.assessment.model import EnterpriseSnapshot
from kejin.assessment.points.cohorts import cohort_table, innovation_points, pct_column
from kejin.assessment.points.config import (
    PointsConfig,
    load_points_config,
    parse_points_config,
)
from kejin.assessment.points.enterprise import EnterprisePoints, points_for
from kejin.assessment.points.lookup import CohortLookup
from kejin.assessment.points.stage import load_stage_rules

from .points_data import frames

CONFIG = load_points_config()
CONFIG_FILE = Path(__file__).parents[3] / "src/kejin/assessment/config/innovation-points-2024.json"
SEED = Decimal(10)  # revenue of a seed-stage firm
MATURE = Decimal(200_000_000)


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CONFIG_FILE.read_text(encoding="utf-8"))
    return data


def two_indicator_config(min_cohort_size: int = 1) -> PointsConfig:
    """Patents (missing: lowest) worth 555 points and standards (missing: zero) worth 445."""
    data = shipped()
    patents, standards = (
        copy.deepcopy(next(item for item in data["indicators"] if item["id"] == name))
        for name in ("invention_patents", "standards_led")
    )
    patents["weights"] = dict.fromkeys(patents["weights"], 555)
    standards["weights"] = dict.fromkeys(standards["weights"], 445)
    data |= {"indicators": [patents, standards], "min_cohort_size": min_cohort_size}
    return parse_points_config(data, load_stage_rules())


def frame_of(*firms: tuple[str | None, Any, Any, Decimal | None]) -> pl.DataFrame:
    """Firms of region longwan as (cluster, patents, standards, revenue)."""
    snapshots = [
        EnterpriseSnapshot(invention_patents_main=patents, standards_led=standards, revenue=revenue)
        for _, patents, standards, revenue in firms
    ]
    keys = [
        {"uscc": f"firm-{number}", "region": "longwan", "cluster": cluster}
        for number, (cluster, *_) in enumerate(firms)
    ]
    return snapshot_frame(snapshots, keys)


# Five seed firms of one cohort; a mature firm and an unstaged one must not change their ranks.
COHORT = frame_of(
    ("ai", 0, None, SEED),
    ("ai", 1, 0, SEED),
    ("ai", 1, 2, SEED),
    ("ai", 3, 0, SEED),
    ("ai", None, 0, SEED),
    ("ai", 9, 9, MATURE),
    ("ai", 9, 9, None),
)


def test_percentiles_are_mid_ranks_with_missing_values_lowest() -> None:
    config = two_indicator_config()
    result = innovation_points(COHORT, cohort_table(COHORT, config), config)
    # patents 0, 1, 1, 3, missing among 5: (below + ½ equal) / 5, a missing one scores 0
    assert result["invention_patents.pct"].to_list()[:5] == [30.0, 60.0, 60.0, 90.0, 0.0]
    # standards: missing read as 0, so four zeros and one 2
    assert result["standards_led.pct"].to_list()[:5] == [40.0, 40.0, 90.0, 40.0, 40.0]
    assert result["cohort_size"].to_list() == [5, 5, 5, 5, 5, 1, None]
    assert result["missing_indicators"].to_list()[:5] == [
        ["standards_led"],
        [],
        [],
        [],
        ["invention_patents"],
    ]


def test_points_are_the_weighted_percentiles_rounded_half_up() -> None:
    config = two_indicator_config()
    result = innovation_points(COHORT, cohort_table(COHORT, config), config)
    # 555 · pct_patents + 445 · pct_standards: 344.5, 511, 733.5, 677.5, 178; the mature firm
    # is alone in its cohort, at the 50th percentile of both
    assert result["innovation_points"].to_list() == [345, 511, 734, 678, 178, 500, None]
    assert result["stage"].to_list()[-1] is None


def test_top_indicators_leave_out_those_where_the_firm_is_above_nobody() -> None:
    config = two_indicator_config()
    result = innovation_points(COHORT, cohort_table(COHORT, config), config)
    assert result["top_indicators"].to_list()[:5] == [
        ["invention_patents"],
        ["invention_patents"],
        ["standards_led", "invention_patents"],
        ["invention_patents"],
        [],
    ]
    assert result["top_contributions"].to_list()[2] == [400.5, 333.0]


def test_a_cohort_smaller_than_allowed_is_pooled_over_the_clusters() -> None:
    config = two_indicator_config(min_cohort_size=3)
    frame = frame_of(
        ("ai", 5, 0, SEED),
        ("ai", 0, 0, SEED),
        ("bio", 1, 0, SEED),
        ("bio", 2, 0, SEED),
        ("bio", 3, 0, SEED),
    )
    result = innovation_points(frame, cohort_table(frame, config), config)
    assert result["cohort_pooled"].to_list() == [True, True, False, False, False]
    assert result["cohort_size"].to_list() == [5, 5, 3, 3, 3]
    assert result["invention_patents.pct"].to_list() == [90.0, 10.0, 100 / 6, 50.0, 500 / 6]


def test_one_enterprise_scores_alone_against_stored_cohorts() -> None:
    config = two_indicator_config()
    stored = cohort_table(COHORT, config)
    newcomer = EnterpriseSnapshot(invention_patents_main=2, standards_led=2, revenue=SEED)
    alone = points_for(
        newcomer, CohortLookup(stored, config), config, region="longwan", cluster="ai"
    )
    # patents 2 is above the missing one, the 0 and both 1s; standards 2 ties the one 2
    assert alone.percentiles == {"invention_patents": 80.0, "standards_led": 90.0}
    assert alone.innovation_points == 845  # 555 · 0.8 + 445 · 0.9 = 844.5, rounded half up
    assert alone.cohort_size == 5


def test_cohorts_of_another_configuration_are_refused() -> None:
    config = two_indicator_config()
    stored = cohort_table(COHORT, config).with_columns(config_version=pl.lit("1999"))
    with pytest.raises(ValueError, match="1999"):
        innovation_points(COHORT, stored, config)


def _broken(change: str) -> dict[str, Any]:
    data = copy.deepcopy(shipped())
    first = data["indicators"][0]
    if change == "weights do not add up":
        first["weights"]["growth"] += 1
    elif change == "log grid on a count":
        data["indicators"][5]["grid"] = "money"
    elif change == "unknown input":
        first["measure"]["input"] = "rd_budget"
    elif change == "token not in the vocabulary":
        data["indicators"][14]["measure"]["members"] = ["hnte", "nobel"]
    elif change == "ratio of money to heads":
        first["measure"] = {"kind": "ratio", "inputs": ["rd_expense", "staff"]}
    elif change == "duplicate id":
        data["indicators"][1]["id"] = first["id"]
    elif change == "bands stop short":
        data["bands"] = data["bands"][:-1]
    elif change == "unknown points stage":
        data["stage_map"]["mature"] = "retired"
    elif change == "unknown group":
        first["group"] = "luck"
    return data


@pytest.mark.parametrize(
    "change",
    [
        "weights do not add up",
        "log grid on a count",
        "unknown input",
        "token not in the vocabulary",
        "ratio of money to heads",
        "duplicate id",
        "bands stop short",
        "unknown points stage",
        "unknown group",
    ],
)
def test_a_malformed_configuration_is_refused(change: str) -> None:
    with pytest.raises(InvalidRuleSet):
        parse_points_config(_broken(change), load_stage_rules())


def test_the_shipped_configuration_has_three_groups_and_whole_weights() -> None:
    assert [group.id for group in CONFIG.groups] == ["technology", "growth", "auxiliary"]
    assert 12 <= len(CONFIG.indicators) <= 18
    assert all(sum(row) == 1000 for row in CONFIG.weight_matrix())


def as_row(points: EnterprisePoints, config: PointsConfig) -> dict[str, Any]:
    """The one-snapshot answer in the frame's column names."""
    scored = points.innovation_points is not None
    return {
        "stage": points.stage.stage,
        "stage_basis": points.stage.basis,
        "stage_rule": points.stage.rule,
        "points_stage": points.points_stage,
        "cohort_size": points.cohort_size,
        "cohort_pooled": points.cohort_pooled,
        "innovation_points": points.innovation_points,
        "top_indicators": [name for name, _ in points.top] if scored else None,
        "top_contributions": [value for _, value in points.top] if scored else None,
        "missing_indicators": list(points.missing),
        **{pct_column(i.id): points.percentiles.get(i.id) for i in config.indicators},
    }


def assert_batch_equals_scalar(
    frame: pl.DataFrame, cohorts: pl.DataFrame, config: PointsConfig
) -> None:
    result = innovation_points(frame, cohorts, config)
    assert result.height == frame.height
    lookup = CohortLookup(cohorts, config)
    for row, scored in zip(frame.iter_rows(named=True), result.iter_rows(named=True), strict=True):
        alone = points_for(
            snapshot_from_row(row), lookup, config, region=row["region"], cluster=row["cluster"]
        )
        expected = as_row(alone, config)
        assert {name: scored[name] for name in expected} == expected


@settings(max_examples=40, deadline=None)
@given(frames(), st.sampled_from([1, 3, 30]))
def test_the_frame_path_equals_the_snapshot_path(frame: pl.DataFrame, min_size: int) -> None:
    config = dataclasses.replace(CONFIG, min_cohort_size=min_size)
    assert_batch_equals_scalar(frame, cohort_table(frame, config), config)


@settings(max_examples=25, deadline=None)
@given(frames(max_size=25), frames(max_size=15))
def test_firms_outside_the_stored_cohorts_score_the_same_both_ways(
    stored: pl.DataFrame, newcomers: pl.DataFrame
) -> None:
    config = dataclasses.replace(CONFIG, min_cohort_size=2)
    assert_batch_equals_scalar(newcomers, cohort_table(stored, config), config)
