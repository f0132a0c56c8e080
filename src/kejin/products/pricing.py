"""Prices as annual rates: the dated loan prime rate (LPR, 贷款市场报价利率) table and the all-in
rate of a product's pricing on a date.

The LPR is data (`config/lpr.json`): a row holds from its date until the next row's date.
Products store spreads, so a new LPR moves every LPR-priced product at once.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from kejin.products.model import LprTenor, Pricing, PricingBasis, invalid, require

BASIS_POINT = Decimal("0.0001")


@dataclasses.dataclass(frozen=True, slots=True)
class LprFixing:
    """The LPR from `start` on; `confirmed` False when not checked against the original."""

    start: dt.date
    rates: Mapping[LprTenor, Decimal]
    confirmed: bool


@dataclasses.dataclass(frozen=True, slots=True)
class LprTable:
    fixings: tuple[LprFixing, ...]  # oldest first
    source_url: str

    def __post_init__(self) -> None:
        starts = [fixing.start for fixing in self.fixings]
        require(bool(starts), "rates", "the table has at least one row")
        require(starts == sorted(set(starts)), "rates", "dates rise strictly")

    def fixing_on(self, on: dt.date) -> LprFixing:
        """The row in force on `on`; a date before the first row is an error."""
        place = bisect.bisect_right([fixing.start for fixing in self.fixings], on)
        if place == 0:
            raise invalid("on", f"no LPR before {self.fixings[0].start.isoformat()}")
        return self.fixings[place - 1]

    def rate(self, tenor: LprTenor, on: dt.date) -> Decimal:
        return self.fixing_on(on).rates[tenor]


def parse_lpr(data: Mapping[str, Any]) -> LprTable:
    """The table from its decoded JSON (numbers as `Decimal`)."""
    rows: Sequence[Mapping[str, Any]] = data["rates"]
    fixings = tuple(
        LprFixing(
            start=dt.date.fromisoformat(row["from"]),
            rates={LprTenor.ONE_YEAR: row["one_year"], LprTenor.FIVE_YEAR: row["five_year"]},
            confirmed=bool(row["confirmed"]),
        )
        for row in rows
    )
    return LprTable(fixings, data["source_url"])


@functools.cache
def shipped_lpr() -> LprTable:
    """The LPR table shipped with Kejin."""
    path = Path(str(resources.files("kejin.products") / "config" / "lpr.json"))
    return parse_lpr(json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal))


def all_in_rate(pricing: Pricing, on: dt.date, table: LprTable | None = None) -> Decimal | None:
    """The annual cost to the firm as a fraction: the loan rate plus any guarantee fee, or the
    fee or premium rate. None where there is no rate (equity, subsidies, grants, services)."""
    fee = pricing.fee_rate or Decimal(0)
    match pricing.basis:
        case PricingBasis.LPR_SPREAD:
            lpr = (table or shipped_lpr()).rate(pricing.lpr_tenor, on)
            return lpr + (pricing.spread_bp or 0) * BASIS_POINT + fee
        case PricingBasis.FIXED_RATE:
            return (pricing.rate or Decimal(0)) + fee
        case PricingBasis.FEE_RATE:
            return fee
        case _:
            return None
