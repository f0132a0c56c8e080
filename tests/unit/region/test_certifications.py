"""Certificates go only to firms meeting the rule conditions, with the documented validity."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from kejin.region.model import DemoRegion
from kejin.registry.model import CertificationKind

from .conftest import AS_OF

WAN = 10_000 * 100  # fen


def holders(region: DemoRegion, kind: CertificationKind) -> pl.DataFrame:
    """Last-year figures of the firms holding `kind`, recomputed from the frames."""
    f = region.frames
    fin = f.financial_years.filter(pl.col("year") == AS_OF.year)
    prior = f.financial_years.filter(pl.col("year") == AS_OF.year - 1).select(
        "uscc", prior_revenue="revenue"
    )
    three = f.financial_years.group_by("uscc").agg(
        three_year=pl.col("rd_expense").sum() / pl.col("revenue").sum()
    )
    staff = f.staff_years.filter(pl.col("year") == AS_OF.year)
    class_one = (
        f.ip_assets.filter(
            pl.col("ip_type").is_in(["invention_patent", "ic_layout", "new_drug", "plant_variety"])
            & (pl.col("status") == "granted")
            & pl.col("main_product_related"),
        )
        .group_by("uscc")
        .agg(class_one=pl.len())
    )
    held = f.certifications.filter(pl.col("kind") == kind.value).select("uscc")
    return (
        held.join(fin, on="uscc")
        .join(prior, on="uscc", how="left")
        .join(three, on="uscc")
        .join(staff.select("uscc", "total", "tech"), on="uscc")
        .join(f.enterprises.select("uscc", "founded_on"), on="uscc")
        .join(class_one, on="uscc", how="left")
        .with_columns(pl.col("class_one").fill_null(0))
        .join(f.compliance_flags.select("uscc", flagged=pl.lit(value=True)), on="uscc", how="left")
    )


def test_every_certificate_kind_is_held_but_not_by_everyone(region: DemoRegion) -> None:
    shares = region.frames.certifications["kind"].value_counts(normalize=False)
    counts = dict(zip(shares["kind"], shares["count"], strict=True))
    firms = region.frames.enterprises.height
    assert set(counts) == {k.value for k in CertificationKind}
    assert counts["little_giant"] < counts["specialised_sme"] < counts["innovative_sme"]
    assert 0.05 * firms < counts["high_tech"] < 0.4 * firms
    assert counts["tech_sme"] < 0.8 * firms


def test_high_tech_holders_meet_the_hnte_conditions(region: DemoRegion) -> None:
    rows = holders(region, CertificationKind.HIGH_TECH)
    needed = (
        pl.when(pl.col("revenue") <= 5_000 * WAN)
        .then(0.05)
        .when(pl.col("revenue") <= 20_000 * WAN)
        .then(0.04)
        .otherwise(0.03)
    )
    assert (
        rows.select(
            (pl.col("tech") * 10 >= pl.col("total"))
            & (pl.col("three_year") >= needed)
            & (pl.col("rd_domestic_share") >= 6_000)
            & (pl.col("high_tech_revenue") * 10 >= pl.col("revenue") * 6)
            & ((pl.lit(AS_OF) - pl.col("founded_on")).dt.total_days() >= 365)
            & pl.col("flagged").is_null()
        )
        .to_series()
        .all()
    )


def test_tech_sme_holders_are_small_enough(region: DemoRegion) -> None:
    rows = holders(region, CertificationKind.TECH_SME)
    assert (rows["total"] <= 500).all()
    assert (rows["revenue"] <= 20_000 * WAN).all()
    assert (rows["total_assets"] <= 20_000 * WAN).all()
    assert (rows["tech"] * 10 >= rows["total"]).all()


def test_specialised_and_little_giant_holders_meet_their_thresholds(region: DemoRegion) -> None:
    specialised = holders(region, CertificationKind.SPECIALISED_SME)
    assert (specialised["rd_expense"] >= 100 * WAN).all()
    assert (specialised["rd_expense"] * 100 >= specialised["revenue"] * 3).all()
    giants = holders(region, CertificationKind.LITTLE_GIANT)
    assert (giants["revenue"] >= 5_000 * WAN).all()
    assert (giants["class_one"] >= 2).all()
    assert (giants["revenue"] * 100 >= giants["prior_revenue"] * 105).all()
    assert (giants["total_liabilities"] * 10 <= giants["total_assets"] * 7).all()
    codes = set(region.frames.certifications.filter(pl.col("kind") == "specialised_sme")["uscc"])
    assert set(giants["uscc"]) <= codes


def test_certificates_are_valid_on_the_as_of_date_for_their_term(region: DemoRegion) -> None:
    certs = region.frames.certifications
    assert ((certs["valid_from"] <= AS_OF) & (certs["valid_to"] >= AS_OF)).all()
    hnte = certs.filter(pl.col("kind") == "high_tech")
    assert ((hnte["valid_to"] - hnte["valid_from"]) == timedelta(days=1095)).all()
    tech_sme = certs.filter(pl.col("kind") == "tech_sme")
    assert (tech_sme["valid_from"].dt.year() == AS_OF.year).all()
    assert (tech_sme["valid_to"].dt.year() == AS_OF.year).all()
    assert certs.select("kind", "number").n_unique() == certs.height
