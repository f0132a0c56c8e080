"""The demo region follows its calibration: stage mix, sizes, R&D, staff, IP and rounds."""

from __future__ import annotations

import polars as pl
import pytest

from kejin.region import calibration as cal
from kejin.region.model import DemoRegion, generate_region
from kejin.registry.frames import SCHEMAS
from kejin.registry.model import IndustryCluster, IPType, Stage, stage_expr

from .conftest import AS_OF


def last_year(region: DemoRegion) -> pl.DataFrame:
    """Last-year financials and staff with each firm's stage, cluster and age."""
    fin = region.frames.financial_years.filter(pl.col("year") == AS_OF.year)
    staff = region.frames.staff_years.filter(pl.col("year") == AS_OF.year)
    firms = region.frames.enterprises.select("uscc", "cluster", "industry_code", "founded_on")
    return (
        fin.join(staff.select("uscc", "total", "tech", "rd"), on="uscc")
        .join(firms, on="uscc")
        .with_columns(
            stage=stage_expr(pl.col("revenue")),
            rd_intensity=pl.col("rd_expense") / pl.col("revenue"),
            age_years=(pl.lit(AS_OF) - pl.col("founded_on")).dt.total_days() / 365.25,
        )
    )


def test_the_same_seed_gives_identical_frames_and_another_seed_does_not() -> None:
    first, second = generate_region(400, seed=5), generate_region(400, seed=5)
    for (name, frame), (_, again) in zip(first.frames.items(), second.frames.items(), strict=True):
        assert frame.equals(again), name
    assert first.loans.equals(second.loans)
    assert not generate_region(400, seed=6).frames.enterprises.equals(first.frames.enterprises)


def test_frames_follow_the_registry_contract_and_loans_the_loan_table(region: DemoRegion) -> None:
    for name, frame in region.frames.items():
        assert dict(frame.schema) == SCHEMAS[name]
    assert region.loans.columns == [
        "uscc",
        "lender",
        "product",
        "principal",
        "annual_rate",
        "term_months",
        "start_on",
        "defaulted",
        "default_on",
        "source",
        "as_of",
    ]


def test_enterprise_count_is_bounded() -> None:
    with pytest.raises(ValueError, match="between 1 and 1000000"):
        generate_region(0)


def test_most_firms_are_young_and_the_stage_mix_matches_the_calibration(
    region: DemoRegion,
) -> None:
    shares = last_year(region)["stage"].value_counts(normalize=True)
    for stage, expected in zip(cal.STAGES, cal.STAGE_SHARES, strict=True):
        share = shares.filter(pl.col("stage") == stage.value)["proportion"].item()
        assert share == pytest.approx(expected, abs=0.02)


def test_founding_dates_and_staff_follow_the_stage(region: DemoRegion) -> None:
    firms = last_year(region)
    for index, stage in enumerate(cal.STAGES):
        rows = firms.filter(pl.col("stage") == stage.value)
        low, high = cal.AGE_YEARS[index]
        assert rows["age_years"].min() >= low - 0.01
        assert rows["age_years"].max() <= high + 0.01
        assert rows["total"].median() <= cal.STAFF_BAND[index][1]
    medians = firms.group_by("stage").agg(pl.col("total").median()).sort("total")["stage"]
    assert medians.to_list() == [s.value for s in cal.STAGES]


def test_rd_intensity_medians_by_cluster_lie_within_the_documented_band(
    region: DemoRegion,
) -> None:
    growth = last_year(region).filter(pl.col("stage") == Stage.GROWTH.value)
    for cluster, median in zip(cal.CLUSTERS, cal.RD_INTENSITY_MEDIAN, strict=True):
        actual = growth.filter(pl.col("cluster") == cluster.value)["rd_intensity"].median()
        assert 0.8 * median <= actual <= 1.25 * median, cluster  # type: ignore[operator]
    mature = last_year(region).filter(pl.col("stage") == Stage.MATURE.value)

    def mature_median(*clusters: IndustryCluster) -> float:
        rows = mature.filter(pl.col("cluster").is_in([c.value for c in clusters]))
        return float(rows["rd_intensity"].median())  # type: ignore[arg-type]

    manufacturing = (
        IndustryCluster.NEW_MATERIALS,
        IndustryCluster.NEW_ENERGY,
        IndustryCluster.HIGH_END_EQUIPMENT,
    )
    assert 0.02 <= mature_median(*manufacturing) <= 0.045  # high-tech manufacturing 3.1%
    assert mature_median(IndustryCluster.AI, IndustryCluster.BRAIN_SCIENCE) >= 0.09  # STAR 12.6%


def test_yearly_figures_are_internally_consistent(region: DemoRegion) -> None:
    fin = region.frames.financial_years
    assert (fin["main_business_revenue"] <= fin["revenue"]).all()
    assert (fin["high_tech_revenue"] <= fin["revenue"]).all()
    assert (fin["net_profit"] == fin["revenue"] - fin["total_costs"]).all()
    assert (fin["total_liabilities"] <= fin["total_assets"]).all()
    assert (fin["rd_expense"] <= fin["total_costs"]).all()
    assert fin["rd_domestic_share"].is_between(4_000, 10_000).all()
    staff = region.frames.staff_years
    assert ((staff["rd"] <= staff["tech"]) & (staff["tech"] <= staff["total"])).all()
    founded = region.frames.enterprises.select("uscc", year=pl.col("founded_on").dt.year())
    assert (
        fin.join(founded, on="uscc")
        .select(pl.col("year") >= pl.col("year_right"))
        .to_series()
        .all()
    )


def test_ip_types_follow_the_industry(region: DemoRegion) -> None:
    ip = region.frames.ip_assets.join(
        region.frames.enterprises.select("uscc", "cluster"), on="uscc"
    )
    holders = ip.group_by("ip_type").agg(pl.col("cluster").unique())
    clusters = dict(zip(holders["ip_type"], holders["cluster"].to_list(), strict=True))
    assert set(clusters[IPType.NEW_DRUG]) == {IndustryCluster.BIOMEDICINE.value}
    assert set(clusters[IPType.IC_LAYOUT]) <= {
        IndustryCluster.SEMICONDUCTORS.value,
        IndustryCluster.AI.value,
    }
    per_firm = ip.group_by("cluster").agg(
        (pl.col("ip_type") == IPType.SOFTWARE_COPYRIGHT.value).sum() / pl.col("uscc").n_unique()
    )
    ranked = per_firm.sort("ip_type", descending=True)["cluster"]
    assert ranked[0] == IndustryCluster.SOFTWARE.value


def test_ip_dates_and_status_agree(region: DemoRegion) -> None:
    ip = region.frames.ip_assets
    granted = ip.filter(pl.col("granted_on").is_not_null())
    assert (granted["filed_on"] < granted["granted_on"]).all()
    assert (granted["granted_on"] <= AS_OF).all()
    assert ip.filter(pl.col("status") == "pending")["granted_on"].is_null().all()
    expired = ip.filter(pl.col("status") == "expired")
    assert (expired["expires_on"] <= AS_OF).all()
    invention = ip.filter(pl.col("ip_type") == IPType.INVENTION_PATENT.value)
    assert invention["claims"].min() >= 1  # type: ignore[operator]
    assert invention["family_size"].min() >= 1  # type: ignore[operator]
    assert ip.filter(pl.col("ip_type") == IPType.TRADEMARK.value)["claims"].is_null().all()


def test_rounds_climb_the_ladder_with_the_firm(region: DemoRegion) -> None:
    rounds = region.frames.funding_rounds.join(
        last_year(region).select("uscc", "stage", "founded_on"), on="uscc"
    )
    assert (rounds["closed_on"] >= rounds["founded_on"]).all()
    assert (rounds["closed_on"] <= AS_OF).all()
    seed_stage = rounds.filter(pl.col("stage_right") == Stage.SEED.value)
    assert set(seed_stage["stage"]) <= {"seed", "angel"}
    assert rounds.filter(pl.col("stage_right") == Stage.MATURE.value)["stage"].n_unique() >= 5


def test_rare_records_are_rare(region: DemoRegion) -> None:
    firms = region.frames.enterprises.height
    assert 0.0005 * firms < region.frames.compliance_flags.height < 0.01 * firms
    assert region.frames.standards.height < 0.1 * firms
