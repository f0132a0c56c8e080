"""Demo certificates: granted only to firms meeting the rule's main quantitative conditions.

`eligibility` evaluates, per firm and vectorised, the conditions of RULES.md §1 (科技型中小企业),
§2 (高新技术企业) and §4 2022 (创新型中小企业, 专精特新, 小巨人) that the registry data can show;
expert-judged parts are replaced by the proxies named in docs/demo-region.md. A share of the
eligible firms (`CERT_TAKE_UP`) then holds a valid certificate.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from kejin.region import calibration as cal
from kejin.region.firms import Bools, Firms, Floats, Ints, date_series, day_number, provenance
from kejin.region.ip import IPCounts
from kejin.registry.model import CertificationKind

CERT_NUMBER = {  # formats over (year, serial)
    CertificationKind.TECH_SME: "{}4403{}",
    CertificationKind.HIGH_TECH: "GR{}44{}",
    CertificationKind.INNOVATIVE_SME: "CX{}{}",
    CertificationKind.SPECIALISED_SME: "ZJTX{}{}",
    CertificationKind.LITTLE_GIANT: "XJR{}{}",
}


def _bands(value: Floats, floors: tuple[float, ...], points: tuple[int, ...]) -> Ints:
    """Points of the first band whose floor `value` reaches (floors descending), else 0."""
    result = np.zeros(len(value), dtype=np.int64)
    for floor, score in reversed(tuple(zip(floors, points, strict=True))):
        result = np.where(value >= floor, score, result)
    return result


def _ratio(numerator: Floats, denominator: Floats) -> Floats:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def tech_sme_score(firms: Firms, ip: IPCounts) -> Ints:
    """The 100-point score of RULES.md §1 (tech staff, the better of B1/B2, IP)."""
    tech_ratio = _ratio(
        firms.staff_tech[:, -1].astype(np.float64), firms.staff_total[:, -1].astype(np.float64)
    )
    staff = _bands(tech_ratio, (0.30, 0.25, 0.20, 0.15, 0.10), (20, 16, 12, 8, 4))
    rd = firms.rd_expense[:, -1]
    b1 = _bands(
        _ratio(rd, firms.revenue[:, -1]), (0.06, 0.05, 0.04, 0.03, 0.02), (50, 40, 30, 20, 10)
    )
    b2 = _bands(
        _ratio(rd, firms.total_costs[:, -1]), (0.30, 0.25, 0.20, 0.15, 0.10), (50, 40, 30, 20, 10)
    )
    ip_points = np.where(ip.class_one >= 1, 30, np.minimum(ip.class_two, 4) * 6)
    return staff + np.maximum(b1, b2) + ip_points


def high_tech_conditions(firms: Firms, ip: IPCounts, flagged: Bools, as_of: date) -> Bools:
    """RULES.md §2 conditions 1, 2, 4, 5, 6 and 8; condition 7 by the IP-quantity proxy."""
    revenue = firms.revenue[:, -1]
    three_year = _ratio(
        np.where(firms.active, firms.rd_expense, 0).sum(axis=1),
        np.where(firms.active, firms.revenue, 0).sum(axis=1),
    )
    needed = np.where(revenue <= 5_000 * cal.WAN, 0.05, np.where(revenue <= 2 * cal.YI, 0.04, 0.03))
    return (
        (day_number(as_of) - firms.founded >= 365)
        & ((ip.class_one >= 1) | (ip.class_two >= 3))
        & (firms.staff_tech[:, -1] >= 0.10 * firms.staff_total[:, -1])
        & (three_year >= needed)
        & (firms.rd_domestic_share >= 0.60)
        & (firms.high_tech_revenue[:, -1] >= 0.60 * revenue)
        & ~flagged
    )


def innovative_sme_score(firms: Firms, ip: IPCounts) -> tuple[Ints, Bools]:
    """RULES.md §4 (2022) score and whether every sub-score reaches its minimum."""
    revenue = firms.revenue[:, -1]
    ip_points = np.where(
        ip.class_one_self_developed >= 2,
        20,
        np.where(
            ip.class_one_self_developed >= 1,
            15,
            np.where(ip.class_one >= 1, 10, np.where(ip.class_two >= 1, 5, 0)),
        ),
    )
    rd = _bands(
        _ratio(firms.rd_expense[:, -1], revenue), (0.05 + 1e-9, 0.03, 0.02, 0.01), (20, 15, 10, 5)
    )
    growth = _ratio(
        firms.main_business_revenue[:, -1] - firms.main_business_revenue[:, -2],
        firms.main_business_revenue[:, -2] * firms.active[:, -2],
    )
    growth_points = _bands(growth, (0.15 + 1e-9, 0.10, 0.05, 0.0), (20, 15, 10, 5))
    debt = _ratio(firms.total_liabilities[:, -1], firms.total_assets[:, -1])
    debt_points = np.where(debt < 0.55, 10, np.where(debt <= 0.75, 5, 0))
    main = _bands(
        _ratio(firms.main_business_revenue[:, -1], revenue),
        (0.70 + 1e-9, 0.60, 0.55, 0.50),
        (20, 15, 10, 5),
    )
    emerging = 10  # every demo industry is a strategic emerging industry
    subs_met = (
        (ip_points + rd >= 20) & (growth_points + debt_points >= 15) & (emerging + main >= 15)
    )
    return ip_points + rd + growth_points + debt_points + emerging + main, subs_met


def eligibility(
    rng: np.random.Generator,
    firms: Firms,
    *,
    ip: IPCounts,
    flagged: Bools,
    recent_equity: Floats,
    as_of: date,
) -> dict[CertificationKind, Bools]:
    """Firms holding each certificate: the conditions, then the take-up draw, in rule order."""
    revenue, assets = firms.revenue[:, -1], firms.total_assets[:, -1]
    age_days = day_number(as_of) - firms.founded
    debt = _ratio(firms.total_liabilities[:, -1], assets)
    rd_last = firms.rd_expense[:, -1]

    def take(kind: CertificationKind, meets: Bools) -> Bools:
        return meets & (rng.random(len(meets)) < cal.CERT_TAKE_UP[kind.value])

    high_tech = take(CertificationKind.HIGH_TECH, high_tech_conditions(firms, ip, flagged, as_of))
    sme = (firms.staff_total[:, -1] <= 500) & (revenue <= 2 * cal.YI) & (assets <= 2 * cal.YI)
    tech_pass = (tech_sme_score(firms, ip) >= 60) & (
        firms.staff_tech[:, -1] * 10 >= firms.staff_total[:, -1]
    )
    tech_sme = take(CertificationKind.TECH_SME, sme & ~flagged & (tech_pass | high_tech))
    score, subs_met = innovative_sme_score(firms, ip)
    small = (firms.staff_total[:, -1] < 1_000) & (revenue < 4 * cal.YI) & ~flagged
    direct = high_tech | (recent_equity >= 500 * cal.WAN)
    innovative = take(
        CertificationKind.INNOVATIVE_SME, small & (((score >= 60) & subs_met) | direct)
    )
    specialised = take(
        CertificationKind.SPECIALISED_SME,
        innovative
        & (age_days >= 2 * 365)
        & (rd_last >= 100 * cal.WAN)
        & (rd_last >= 0.03 * revenue)
        & ((revenue >= 1_000 * cal.WAN) | (recent_equity >= 2_000 * cal.WAN))
        & (debt <= 0.70),
    )
    growth = _ratio(revenue - firms.revenue[:, -2], firms.revenue[:, -2] * firms.active[:, -2])
    main_share = _ratio(firms.main_business_revenue[:, -1], revenue)
    rd_share = _ratio(rd_last, revenue)
    size_rd = ((revenue >= cal.YI) & (rd_share >= 0.03)) | (
        (revenue >= 5_000 * cal.WAN) & (revenue < cal.YI) & (rd_share >= 0.06)
    )
    little_giant = take(
        CertificationKind.LITTLE_GIANT,
        specialised
        & (age_days >= 3 * 365)
        & (main_share >= 0.70)
        & (growth >= 0.05)
        & (debt <= 0.70)
        & size_rd
        & (ip.class_one >= 2),
    )
    return {
        CertificationKind.HIGH_TECH: high_tech,
        CertificationKind.TECH_SME: tech_sme,
        CertificationKind.INNOVATIVE_SME: innovative,
        CertificationKind.SPECIALISED_SME: specialised,
        CertificationKind.LITTLE_GIANT: little_giant,
    }


def certificate_frame(
    rng: np.random.Generator,
    uscc: pl.Series,
    holders: dict[CertificationKind, Bools],
    *,
    first_index: int,
    as_of: date,
) -> pl.DataFrame:
    """One valid certificate per holder: tech SME for the calendar year, others for 3 years."""
    frames = []
    today = day_number(as_of)
    for kind, held in holders.items():
        owner = np.flatnonzero(held)
        if kind is CertificationKind.TECH_SME:
            start = np.full(len(owner), day_number(date(as_of.year, 1, 1)))
            end = np.full(len(owner), day_number(date(as_of.year, 12, 31)))
        else:
            years = cal.CERT_VALID_YEARS[kind.value]
            start = today - rng.integers(0, years * 365, len(owner))
            end = start + round(years * 365.25) - 1
        year = start.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        serial = pl.Series(first_index + owner).cast(pl.Utf8).str.zfill(7)
        number = (
            pl.DataFrame({"year": year, "serial": serial})
            .select(pl.format(CERT_NUMBER[kind], "year", "serial"))
            .to_series()
        )
        frames.append(
            pl.DataFrame(
                {
                    "uscc": uscc.gather(owner),
                    "kind": pl.Series([kind.value] * len(owner), dtype=pl.Utf8),
                    "number": number,
                    "valid_from": date_series("valid_from", start),
                    "valid_to": date_series("valid_to", end),
                }
            )
        )
    return pl.concat(frames).with_columns(provenance(as_of))
