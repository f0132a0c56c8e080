"""Demo equity rounds, standards, awards, R&D institutions and compliance flags (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from kejin.region import calibration as cal
from kejin.region.firms import (
    Bools,
    Cohort,
    Floats,
    Ints,
    date_series,
    day_number,
    last_fiscal_year,
    provenance,
)
from kejin.registry.model import (
    ComplianceKind,
    FundingStage,
    Level,
    StandardLevel,
    StandardRole,
)

STANDARD_LEVELS = (
    (StandardLevel.GROUP, 0.45, "T/SZAS {}-{}"),
    (StandardLevel.INDUSTRY, 0.25, "SJ/T {}-{}"),
    (StandardLevel.LOCAL, 0.15, "DB4403/T {}-{}"),
    (StandardLevel.NATIONAL, 0.13, "GB/T {}-{}"),
    (StandardLevel.INTERNATIONAL, 0.02, "ISO/IEC {}:{}"),
)
AWARD_LEVELS = (
    (Level.NATIONAL, 0.05, "国家科学技术进步奖"),
    (Level.PROVINCIAL, 0.30, "广东省科学技术奖"),
    (Level.MUNICIPAL, 0.40, "深圳市科学技术奖"),
    (Level.DISTRICT, 0.25, "区创新创业大赛奖"),
)
INSTITUTION_LEVELS = (
    (Level.NATIONAL, 0.03, "国家"),
    (Level.PROVINCIAL, 0.25, "广东省"),
    (Level.MUNICIPAL, 0.50, "深圳市"),
    (Level.DISTRICT, 0.22, "区级"),
)
INSTITUTION_KINDS = ("工程技术研究中心", "企业技术中心", "重点实验室")
COMPLIANCE_NOTES = {
    ComplianceKind.SAFETY_INCIDENT: "生产安全事故（示例数据）",
    ComplianceKind.QUALITY_INCIDENT: "产品质量事故（示例数据）",
    ComplianceKind.ENVIRONMENTAL_VIOLATION: "环境违法行为（示例数据）",
    ComplianceKind.RESEARCH_MISCONDUCT: "科研失信行为（示例数据）",
    ComplianceKind.SERIOUS_DISHONESTY: "列入严重失信主体名单（示例数据）",
    ComplianceKind.RESTRICTED_PRODUCT: "涉及限制类产品（示例数据）",
}


@dataclass(frozen=True)
class Funding:
    frame: pl.DataFrame
    total: Floats  # equity raised per firm, yuan
    recent: Floats  # raised in the last three years


def draw_funding(rng: np.random.Generator, cohort: Cohort, as_of: date) -> Funding:
    """Rounds up the ladder (angel → pre-A → A → B → C), more of them at later stages."""
    stage, founded, age_years, size = (
        cohort.stage,
        cohort.founded,
        cohort.age_years,
        len(cohort.stage),
    )
    rounds = rng.binomial(np.array(cal.MAX_ROUNDS)[stage], 0.35)
    owner = np.repeat(np.arange(size), rounds)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(rounds) - rounds, rounds)
    stages = list(FundingStage)
    kind = np.array([stages.index(s) for s in cal.ROUND_LADDER])[step]
    kind[(step == 0) & (rng.random(len(owner)) < 0.4)] = stages.index(FundingStage.SEED)
    kind[(step >= 2) & (rng.random(len(owner)) < 0.10)] = stages.index(FundingStage.STRATEGIC)
    kind[(step == 4) & (rng.random(len(owner)) < 0.5)] = stages.index(FundingStage.LATER)
    low, high = np.array([cal.ROUND_AMOUNT[s] for s in stages], dtype=np.float64)[kind].T
    amount = np.round(low * (high / low) ** rng.random(len(owner)), -5)
    share = (step + rng.uniform(0.1, 0.9, len(owner))) / rounds[owner]
    closed = founded[owner] + np.round(share * age_years[owner] * 365.25 * 0.95).astype(np.int64)
    frame = pl.DataFrame(
        {
            "uscc": cohort.uscc.gather(owner),
            "closed_on": date_series("closed_on", closed),
            "stage": pl.Series([s.value for s in stages]).gather(kind),
            "amount": (amount * 100).astype(np.int64),
            "investors": _investors(rng, len(owner)),
        }
    ).with_columns(provenance(as_of))
    recent = closed > day_number(as_of) - 3 * 365
    return Funding(
        frame=frame,
        total=np.bincount(owner, amount, minlength=size).astype(np.float64),
        recent=np.bincount(owner[recent], amount[recent], minlength=size).astype(np.float64),
    )


def _investors(rng: np.random.Generator, rows: int) -> pl.Series:
    """A JSON array (as `json.dumps` writes it) of one to three distinct investor names."""
    pool = len(cal.INVESTORS)
    first = rng.integers(0, pool, rows)
    gap1, gap2 = rng.integers(1, pool // 2, rows), rng.integers(1, pool // 2, rows)
    count = 1 + rng.binomial(2, 0.4, rows)
    names = pl.Series(cal.INVESTORS)
    frame = pl.DataFrame(
        {
            "a": names.gather(first),
            "b": names.gather((first + gap1) % pool),
            "c": names.gather((first + gap1 + gap2) % pool),
            "count": count,
        }
    )
    return frame.select(
        pl.concat_str(
            pl.lit('["'),
            "a",
            pl.when(pl.col("count") >= 2)
            .then(pl.concat_str(pl.lit('", "'), "b"))
            .otherwise(pl.lit("")),
            pl.when(pl.col("count") >= 3)
            .then(pl.concat_str(pl.lit('", "'), "c"))
            .otherwise(pl.lit("")),
            pl.lit('"]'),
        ).alias("investors")
    ).to_series()


def _pick(rng: np.random.Generator, shares: tuple[float, ...], chance: Floats) -> tuple[Ints, Ints]:
    """Firms drawn with per-firm `chance`, and a level index for each (by `shares`)."""
    owner = np.flatnonzero(rng.random(len(chance)) < chance)
    return owner, rng.choice(len(shares), len(owner), p=shares)


def _field(cohort: Cohort, owner: Ints) -> pl.Series:
    """The technology field word (e.g. 脑机接口) of each owner's cluster."""
    return pl.Series(cal.CLUSTER_FIELDS).gather(cohort.cluster[owner])


def draw_standards(rng: np.random.Generator, cohort: Cohort, as_of: date) -> pl.DataFrame:
    uscc, stage, last_year = cohort.uscc, cohort.stage, last_fiscal_year(as_of)
    owner, level = _pick(
        rng, tuple(s[1] for s in STANDARD_LEVELS), np.array(cal.STANDARD_SHARE)[stage]
    )
    year = last_year - rng.integers(0, 6, len(owner))
    number = rng.integers(1_000, 50_000, len(owner))
    code = [
        STANDARD_LEVELS[lv][2].format(nr, yr)
        for lv, nr, yr in zip(level, number, year, strict=True)
    ]
    role = np.where(
        rng.random(len(owner)) < 0.6, StandardRole.LED.value, StandardRole.PARTICIPATED.value
    )
    return pl.DataFrame(
        {
            "uscc": uscc.gather(owner),
            "code": pl.Series(code, dtype=pl.Utf8),
            "title": _field(cohort, owner) + "技术规范",
            "level": pl.Series([s[0].value for s in STANDARD_LEVELS]).gather(level),
            "role": role,
            "year": year.astype(np.int32),
        }
    ).with_columns(provenance(as_of))


def draw_awards(rng: np.random.Generator, cohort: Cohort, as_of: date) -> pl.DataFrame:
    uscc, stage, last_year = cohort.uscc, cohort.stage, last_fiscal_year(as_of)
    owner, level = _pick(rng, tuple(a[1] for a in AWARD_LEVELS), np.array(cal.AWARD_SHARE)[stage])
    return pl.DataFrame(
        {
            "uscc": uscc.gather(owner),
            "name": pl.Series([a[2] for a in AWARD_LEVELS]).gather(level),
            "level": pl.Series([a[0].value for a in AWARD_LEVELS]).gather(level),
            "rank": (1 + rng.poisson(1.5, len(owner))).astype(np.int32),
            "year": (last_year - rng.integers(0, 8, len(owner))).astype(np.int32),
        }
    ).with_columns(provenance(as_of))


def draw_rd_institutions(rng: np.random.Generator, cohort: Cohort, as_of: date) -> pl.DataFrame:
    uscc, stage, founded = cohort.uscc, cohort.stage, cohort.founded
    owner, level = _pick(
        rng, tuple(i[1] for i in INSTITUTION_LEVELS), np.array(cal.RD_INSTITUTION_SHARE)[stage]
    )
    life = day_number(as_of) - founded[owner]
    recognised = founded[owner] + (rng.uniform(0.3, 1.0, len(owner)) * life).astype(np.int64)
    kind = pl.Series(INSTITUTION_KINDS).gather(rng.integers(0, len(INSTITUTION_KINDS), len(owner)))
    return pl.DataFrame(
        {
            "uscc": uscc.gather(owner),
            "name": pl.Series([i[2] for i in INSTITUTION_LEVELS]).gather(level)
            + _field(cohort, owner)
            + kind,
            "level": pl.Series([i[0].value for i in INSTITUTION_LEVELS]).gather(level),
            "recognised_on": date_series("recognised_on", recognised),
        }
    ).with_columns(provenance(as_of))


def draw_compliance(
    rng: np.random.Generator, cohort: Cohort, as_of: date
) -> tuple[pl.DataFrame, Bools]:
    """Rare flags within the last three years; returns the frame and the flagged firms."""
    uscc, founded = cohort.uscc, cohort.founded
    size = len(founded)
    owner = np.flatnonzero(rng.random(size) < cal.COMPLIANCE_FLAG_SHARE)
    kinds = list(ComplianceKind)
    kind = rng.integers(0, len(kinds), len(owner))
    today = day_number(as_of)
    occurred = np.maximum(today - rng.integers(0, 3 * 365, len(owner)), founded[owner])
    frame = pl.DataFrame(
        {
            "uscc": uscc.gather(owner),
            "kind": pl.Series([k.value for k in kinds]).gather(kind),
            "occurred_on": date_series("occurred_on", occurred),
            "note": pl.Series([COMPLIANCE_NOTES[k] for k in kinds]).gather(kind),
        }
    ).with_columns(provenance(as_of))
    flagged = np.zeros(size, dtype=bool)
    flagged[owner] = True
    return frame, flagged
