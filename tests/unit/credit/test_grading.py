"""Grades, limits, prices, adverse reasons and advice on a hand-made tech scorecard (golden)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kejin.credit.errors import UnknownArtefact
from kejin.credit.grading import (
    GradeTable,
    grade,
    parse_grade_table,
    score_of_pd,
    scored_bin,
    shipped_grade_table,
    suggested_limit,
    suggested_rate,
)
from kejin.credit.model import (
    DataSource,
    FeatureKind,
    FeatureScorecard,
    Scaling,
    Scorecard,
    ScoredBin,
    Trend,
)
from kejin.products.model import LprTenor


def _bin(label: str, points: float) -> ScoredBin:
    return ScoredBin(label=label, count=10, events=1, woe=0.0, iv=0.0, points=points)


def _numeric(name: str, splits: tuple[float, ...], points: tuple[float, ...]) -> FeatureScorecard:
    return FeatureScorecard(
        name=name,
        kind=FeatureKind.NUMERIC,
        trend=Trend.AUTO_ASC_DESC,
        coefficient=-1.0,
        bins=tuple(_bin(f"bin {i}", p) for i, p in enumerate(points)),
        special=_bin("special", 0.0),
        missing=_bin("missing", 5.0),
        splits=splits,
        special_codes=(-999.0,),
    )


def tech_scorecard() -> Scorecard:
    """Three features worth 630 points at their best and 490 at their worst (in base units)."""
    rd = _numeric("rd_intensity", (0.03, 0.05), (150.0, 168.0, 185.0))
    debt = _numeric("debt_ratio", (0.5, 0.7), (200.0, 185.0, 160.0))
    sector = FeatureScorecard(
        name="sector",
        kind=FeatureKind.CATEGORICAL,
        trend=Trend.AUTO_ASC_DESC,
        coefficient=-1.0,
        bins=(_bin("retail", 180.0), _bin("software, biotech", 245.0)),
        special=_bin("special", 0.0),
        missing=_bin("missing", 190.0),
        categories=(("retail",), ("software", "biotech")),
    )
    data = DataSource("hand-made", 100, 0.05, "sha256:0")
    return Scorecard("default", "1", -3.0, Scaling(), (rd, debt, sector), data, seed=1)


TABLE = parse_grade_table(
    {
        "version": "test",
        "lpr_tenor": "1y",
        "product_cap": "30000000",
        "grades": [
            {
                "grade": "T1",
                "pd_upper": "0.01",
                "revenue_share": "0.3",
                "cap": "30000000",
                "spread_bp": 0,
            },
            {
                "grade": "T2",
                "pd_upper": "0.02",
                "revenue_share": "0.2",
                "cap": "10000000",
                "spread_bp": 40,
            },
            {
                "grade": "T3",
                "pd_upper": "0.05",
                "revenue_share": "0.1",
                "cap": "5000000",
                "spread_bp": 80,
            },
            {"grade": "T4", "pd_upper": "1", "revenue_share": "0", "cap": "0", "spread_bp": 200},
        ],
        "actionable": ["rd_intensity", "debt_ratio"],
    }
)


def test_a_firm_is_graded_by_the_first_band_its_pd_does_not_exceed() -> None:
    result = grade(
        tech_scorecard(), {"rd_intensity": 0.03, "debt_ratio": 0.6, "sector": "software"}, TABLE
    )
    assert result.score == pytest.approx(598.0)
    assert result.pd == pytest.approx(0.020985632373281337)
    assert result.grade == "T3"
    best = grade(
        tech_scorecard(), {"rd_intensity": 0.06, "debt_ratio": 0.3, "sector": "biotech"}, TABLE
    )
    assert (best.score, best.grade, best.adverse, best.advice) == (630.0, "T1", (), None)


def test_adverse_reasons_are_the_features_furthest_below_their_best_bin() -> None:
    result = grade(
        tech_scorecard(), {"rd_intensity": 0.01, "debt_ratio": 0.8, "sector": "retail"}, TABLE
    )
    reasons = [(d.feature, d.bin.label, d.best.label, d.shortfall) for d in result.adverse]
    assert reasons == [
        ("sector", "retail", "software, biotech", 65.0),
        ("debt_ratio", "bin 2", "bin 0", 40.0),
        ("rd_intensity", "bin 0", "bin 2", 35.0),
    ]


def test_withheld_features_score_in_the_missing_bin_and_special_codes_in_their_own() -> None:
    scorecard = tech_scorecard()
    rd = scorecard.features[0]
    assert scored_bin(rd, None).label == "missing"
    assert scored_bin(rd, float("nan")).label == "missing"
    assert scored_bin(rd, -999.0).label == "special"
    assert scored_bin(scorecard.features[2], "mining").label == "missing"
    assert grade(scorecard, {"sector": "software"}, TABLE).score == pytest.approx(255.0)


def test_advice_takes_the_single_smallest_move_that_reaches_the_next_grade() -> None:
    advice = grade(
        tech_scorecard(), {"rd_intensity": 0.03, "debt_ratio": 0.6, "sector": "software"}, TABLE
    ).advice
    assert advice is not None
    assert (advice.target_grade, advice.target_score) == ("T2", pytest.approx(599.41707308))
    [change] = advice.changes
    assert (change.feature, change.value, change.threshold, change.rising, change.gain) == (
        "rd_intensity",
        0.03,
        0.05,
        True,
        17.0,
    )


def test_advice_moves_more_than_one_bin_when_one_bin_is_not_enough() -> None:
    advice = grade(
        tech_scorecard(), {"rd_intensity": 0.01, "debt_ratio": 0.6, "sector": "software"}, TABLE
    ).advice
    assert advice is not None
    [change] = advice.changes
    assert (change.feature, change.threshold, change.to.label, change.gain) == (
        "rd_intensity",
        0.05,
        "bin 2",
        35.0,
    )


def test_advice_combines_features_when_no_single_change_reaches_the_next_grade() -> None:
    advice = grade(tech_scorecard(), {"rd_intensity": 0.01, "debt_ratio": 0.8}, TABLE).advice
    assert advice is not None
    assert advice.target_grade == "T3"
    steps = [(c.feature, c.threshold, c.rising, c.gain) for c in advice.changes]
    assert steps == [("debt_ratio", 0.5, False, 40.0), ("rd_intensity", 0.05, True, 35.0)]


def test_no_advice_when_even_every_actionable_change_falls_short() -> None:
    result = grade(
        tech_scorecard(), {"rd_intensity": 0.01, "debt_ratio": 0.8, "sector": "retail"}, TABLE
    )
    assert result.grade == "T4"
    assert result.advice is None


def test_the_limit_is_a_share_of_revenue_capped_by_the_grade_and_zero_without_revenue() -> None:
    t2, t4 = TABLE.bands[1], TABLE.bands[3]
    assert suggested_limit(t2, Decimal(40_000_000), TABLE) == Decimal("8000000.00")
    assert suggested_limit(t2, Decimal(80_000_000), TABLE) == Decimal("10000000.00")
    assert suggested_limit(t4, Decimal(80_000_000), TABLE) == Decimal("0.00")
    assert suggested_limit(t2, None, TABLE) == Decimal("0.00")


def test_the_price_is_the_lpr_of_the_day_plus_the_grades_spread() -> None:
    t2 = TABLE.bands[1]
    assert suggested_rate(t2, dt.date(2025, 6, 1), TABLE) == Decimal("0.0340")
    assert suggested_rate(t2, dt.date(2024, 11, 1), TABLE) == Decimal("0.0350")


def test_the_shipped_table_prices_t5_at_the_talent_loan_ceiling_of_lpr_plus_80_bp() -> None:
    table = shipped_grade_table()
    assert [band.grade for band in table.bands] == [f"T{i}" for i in range(1, 11)]
    assert table.lpr_tenor is LprTenor.ONE_YEAR
    assert table.band_of(0.012).grade == "T3"
    assert table.band_of(0.03).spread_bp == 80
    assert table.band_of(0.5).grade == "T10"
    assert all(band.cap <= table.product_cap for band in table.bands)


def test_a_grade_table_whose_bounds_do_not_rise_to_one_is_refused() -> None:
    with pytest.raises(UnknownArtefact):
        GradeTable("bad", TABLE.bands[:2], TABLE.product_cap, LprTenor.ONE_YEAR, frozenset())


def test_a_score_and_a_pd_convert_both_ways() -> None:
    scaling = Scaling()
    assert scaling.pd_of_score(score_of_pd(0.02, scaling)) == pytest.approx(0.02)
