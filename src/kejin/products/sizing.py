"""Amount rules (额度测算): how much of a product a firm could get, as data.

Kinds (docs/products.md): `range` (the product's range), `share_of` (a money input × share),
`tiers` (the amount of the first tier the input reaches), `per_item` (Σ count × nominal value ×
rate, e.g. pledgeable patents, RULES §6), `min_of` (the least of several rules) and
`interest_share` (a share of last year's interest, a larger one for a first loan, capped).

The estimate is floored to 1万 and bounded by the product's range: above it → the maximum;
below its minimum → nothing (0–0). An unknown input gives the whole range, `indicative`; a
`min_of` with some parts unknown gives the least known part, also `indicative`.

`estimate` is the scalar reference over `Decimal`; `amount_exprs` is the batch form, exact over
Int64 fen with Int128 products (`floor(x · p / q)` for a share p/q), so both agree to the fen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Protocol

import polars as pl

from kejin.assessment.inputs.frames import INPUT_SCHEMA
from kejin.products.model import AmountRange, Text, invalid, require
from kejin.products.vocabulary import MATCH_FIELDS

WAN_FEN = 1_000_000  # 1万 in fen
FEN_SCALE = 2


@dataclasses.dataclass(frozen=True, slots=True)
class WholeRange:
    """The product's own range."""


@dataclasses.dataclass(frozen=True, slots=True)
class ShareOf:
    measure: str  # a money input
    share: Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class Tier:
    start: Decimal  # reached when the input is at least this
    amount: Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class Tiers:
    measure: str
    tiers: tuple[Tier, ...]  # highest start first


@dataclasses.dataclass(frozen=True, slots=True)
class Item:
    measure: str  # a count
    nominal: Decimal  # value of one item (CNY)
    rate: Decimal  # share of the value lent on it (pledge rate)


@dataclasses.dataclass(frozen=True, slots=True)
class PerItem:
    items: tuple[Item, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class MinOf:
    rules: tuple[Rule, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class InterestShare:
    """`share` of `annual_interest` (`first_loan_share` while `bank_loans` ≤ 1), capped by the
    yearly cap and the per-firm cap (cumulative use is not known, so it bounds one year)."""

    share: Decimal
    first_loan_share: Decimal
    year_cap: Decimal
    firm_cap: Decimal


Rule = WholeRange | ShareOf | Tiers | PerItem | MinOf | InterestShare


@dataclasses.dataclass(frozen=True, slots=True)
class Sizing:
    rule: Rule
    basis: Text  # how the amount is worked out, for the reader


@dataclasses.dataclass(frozen=True, slots=True)
class EstimatedAmount:
    low: Decimal
    high: Decimal
    basis: Text
    indicative: bool  # an input was unknown: the product's range, or a bound of the known parts


class Readable(Protocol):
    def value(self, name: str) -> Any: ...


# --- parsing --------------------------------------------------------------------------------

_DEFAULT_BASIS: Mapping[str, Text] = {
    "range": Text("按产品额度范围", "The product's amount range"),
    "share_of": Text("按指标的一定比例测算", "A share of an input"),
    "tiers": Text("按指标分档测算", "By tiers of an input"),
    "per_item": Text("按件数×参考估值×质押率测算", "Count × reference value × pledge rate"),
    "min_of": Text("取各项测算的最小值", "The least of several estimates"),
    "interest_share": Text("按已付利息的一定比例测算", "A share of the interest paid"),
}


def parse_sizing(data: Mapping[str, Any]) -> Sizing:
    """A sizing rule from its decoded JSON (decimals as `Decimal`); faults name `sizing.…`."""
    try:
        rule = _rule(data)
        basis = data.get("basis")
        return Sizing(
            rule, Text(basis["zh"], basis["en"]) if basis else _DEFAULT_BASIS[data["rule"]]
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise invalid("sizing", repr(error)) from error


def _rule(data: Mapping[str, Any]) -> Rule:
    kind = data["rule"]
    parse = _PARSERS.get(kind)
    if parse is None:
        raise invalid("sizing.rule", f"unknown rule {kind!r}")
    return parse(data)


def _scale(name: str) -> int:
    """Decimal places of an input's exact integer form: 2 for money, 0 for counts."""
    dtype = INPUT_SCHEMA.get(name)
    if isinstance(dtype, pl.Decimal):
        return dtype.scale or 0
    if dtype == pl.Int64() or MATCH_FIELDS.get(name) is int:
        return 0
    if MATCH_FIELDS.get(name) is Decimal:
        return FEN_SCALE
    raise invalid("sizing.measure", f"{name!r} is not a numeric input")


def _amount(value: Any, field: str) -> Decimal:
    amount = Decimal(value)
    require(amount == amount.quantize(Decimal("0.01")), field, "amounts are in fen")
    return amount


def _fraction(value: Any, field: str) -> Decimal:
    share = Decimal(value)
    require(0 <= share <= 1, field, "a share is a fraction 0–1")
    return share


def _share_of(data: Mapping[str, Any]) -> ShareOf:
    measure = data["measure"]
    require(_scale(measure) == FEN_SCALE, "sizing.measure", f"{measure!r} is not money")
    return ShareOf(measure, _fraction(data["share"], "sizing.share"))


def _tiers(data: Mapping[str, Any]) -> Tiers:
    measure, scale = data["measure"], _scale(data["measure"])
    tiers = tuple(
        Tier(Decimal(tier["from"]), _amount(tier["amount"], "sizing.tiers"))
        for tier in data["tiers"]
    )
    starts = [tier.start for tier in tiers]
    require(
        bool(tiers) and starts == sorted(set(starts), reverse=True), "sizing.tiers", "highest first"
    )
    exact = all(start.scaleb(scale) == start.scaleb(scale).to_integral_value() for start in starts)
    require(exact, "sizing.tiers", f"tier bounds have at most {scale} decimal places")
    return Tiers(measure, tiers)


def _per_item(data: Mapping[str, Any]) -> PerItem:
    items = tuple(
        Item(
            item["measure"],
            _amount(item["nominal"], "sizing.items.nominal"),
            _fraction(item["rate"], "sizing.items.rate"),
        )
        for item in data["items"]
    )
    require(bool(items), "sizing.items", "at least one item")
    for item in items:
        require(_scale(item.measure) == 0, "sizing.items.measure", f"{item.measure!r} is no count")
    return PerItem(items)


def _min_of(data: Mapping[str, Any]) -> MinOf:
    rules = tuple(_rule(part) for part in data["rules"])
    require(len(rules) >= 2, "sizing.rules", "min_of takes at least two rules")
    return MinOf(rules)


def _interest_share(data: Mapping[str, Any]) -> InterestShare:
    return InterestShare(
        share=_fraction(data["share"], "sizing.share"),
        first_loan_share=_fraction(data["first_loan_share"], "sizing.first_loan_share"),
        year_cap=_amount(data["year_cap"], "sizing.year_cap"),
        firm_cap=_amount(data["firm_cap"], "sizing.firm_cap"),
    )


_PARSERS: dict[str, Callable[[Mapping[str, Any]], Rule]] = {
    "range": lambda _data: WholeRange(),
    "share_of": _share_of,
    "tiers": _tiers,
    "per_item": _per_item,
    "min_of": _min_of,
    "interest_share": _interest_share,
}


def measures(rule: Rule) -> frozenset[str]:
    """The inputs a rule reads."""
    match rule:
        case ShareOf(measure=name) | Tiers(measure=name):
            return frozenset({name})
        case PerItem(items=items):
            return frozenset(item.measure for item in items)
        case MinOf(rules=rules):
            return frozenset().union(*(measures(part) for part in rules))
        case InterestShare():
            return frozenset({"annual_interest", "bank_loans"})
        case _:
            return frozenset()


# --- scalar reference -----------------------------------------------------------------------


def _fen(value: Decimal) -> int:
    """CNY → whole fen, rounded down."""
    return int(value.scaleb(FEN_SCALE).to_integral_value(rounding=ROUND_FLOOR))


def _raw(rule: Rule, amount: AmountRange, read: Readable) -> tuple[int | None, bool]:
    """The rule's amount in fen before bounding (None: unknown), and whether it is indicative."""
    match rule:
        case WholeRange():
            return _fen(amount.high), False
        case MinOf(rules=rules):
            parts = [_raw(part, amount, read) for part in rules]
            known = [value for value, _ in parts if value is not None]
            return (min(known) if known else None), any(flag for _, flag in parts)
        case InterestShare():
            return _interest(rule, read.value("annual_interest"), read.value("bank_loans"))
    value = _leaf(rule, read)
    return value, value is None


def _leaf(rule: ShareOf | Tiers | PerItem, read: Readable) -> int | None:
    match rule:
        case ShareOf(measure=name, share=share):
            value = read.value(name)
            return None if value is None else _fen(Decimal(value) * share)
        case Tiers(measure=name, tiers=tiers):
            value = read.value(name)
            reached = (_fen(tier.amount) for tier in tiers if Decimal(value or 0) >= tier.start)
            return None if value is None else next(reached, 0)
        case PerItem(items=items):
            counts = [read.value(item.measure) for item in items]
            if any(count is None for count in counts):
                return None
            return sum(_fen(c * i.nominal * i.rate) for c, i in zip(counts, items, strict=True))


def _interest(rule: InterestShare, interest: Any, loans: Any) -> tuple[int | None, bool]:
    if interest is None or loans is None:
        return None, True
    share = rule.first_loan_share if loans <= 1 else rule.share
    return min(_fen(Decimal(interest) * share), _fen(rule.year_cap), _fen(rule.firm_cap)), False


def estimate(sizing: Sizing, amount: AmountRange, read: Readable) -> EstimatedAmount:
    """The amount one firm could get (the scalar reference of `amount_exprs`)."""
    raw, indicative = _raw(sizing.rule, amount, read)
    low, high = _fen(amount.low), _fen(amount.high)
    if raw is None:
        return EstimatedAmount(amount.low, amount.high, sizing.basis, True)
    top = min(raw // WAN_FEN * WAN_FEN, high)
    low, top = (low, top) if top >= low else (0, 0)
    return EstimatedAmount(_cny(low), _cny(top), sizing.basis, indicative)


def _cny(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-FEN_SCALE)


# --- batch ----------------------------------------------------------------------------------


def amount_exprs(sizing: Sizing, amount: AmountRange, prefix: str) -> list[pl.Expr]:
    """`{prefix}_low` and `{prefix}_high` (Int64 fen) and `{prefix}_indicative` (Boolean) over
    a frame holding the rule's inputs typed as in the snapshot frame (money Decimal(38, 2))."""
    raw, flag = _raw_expr(sizing.rule, amount)
    low, high = _fen(amount.low), _fen(amount.high)
    top = pl.min_horizontal((raw // WAN_FEN) * WAN_FEN, pl.lit(high, pl.Int128))
    unknown, below = raw.is_null(), top < low
    low_expr = pl.when(unknown).then(low).when(below).then(0).otherwise(low)
    high_expr = pl.when(unknown).then(high).when(below).then(0).otherwise(top)
    return [
        low_expr.cast(pl.Int64).alias(f"{prefix}_low"),
        high_expr.cast(pl.Int64).alias(f"{prefix}_high"),
        (unknown | flag).alias(f"{prefix}_indicative"),
    ]


def _scaled(name: str) -> pl.Expr:
    """The input as an exact Int128: fen for money, the count itself for counts."""
    scale = _scale(name)
    column = pl.col(name)
    exact = column.cast(pl.Decimal(38, scale)).to_physical() if scale else column
    return exact.cast(pl.Int128)


def _times(expr: pl.Expr, factor: Decimal) -> pl.Expr:
    """floor(expr × factor), exact: factor as the integer ratio p/q."""
    numerator, denominator = factor.as_integer_ratio()
    return expr * numerator // denominator


def _raw_expr(rule: Rule, amount: AmountRange) -> tuple[pl.Expr, pl.Expr]:
    match rule:
        case WholeRange():
            return pl.lit(_fen(amount.high), pl.Int128), pl.lit(False)
        case ShareOf(measure=name, share=share):
            return _times(_scaled(name), share), pl.lit(False)
        case Tiers(measure=name, tiers=tiers):
            return _tiers_expr(name, tiers), pl.lit(False)
        case PerItem(items=items):
            terms = [
                _times(_scaled(i.measure), i.nominal.scaleb(FEN_SCALE) * i.rate) for i in items
            ]
            return pl.sum_horizontal(terms, ignore_nulls=False), pl.lit(False)
        case MinOf(rules=rules):
            parts = [_raw_expr(part, amount) for part in rules]
            flags = [flag | value.is_null() for value, flag in parts]
            return pl.min_horizontal(value for value, _ in parts), pl.any_horizontal(flags)
        case InterestShare():
            return _interest_expr(rule), pl.lit(False)
    raise AssertionError(rule)  # pragma: no cover - the union is exhausted above


def _tiers_expr(name: str, tiers: Sequence[Tier]) -> pl.Expr:
    value, scale = _scaled(name), _scale(name)
    reached: pl.Expr = pl.lit(0, pl.Int128)
    for tier in reversed(tiers):  # the highest tier ends outermost, so it is tried first
        bound = int(tier.start.scaleb(scale))
        reached = (
            pl.when(value >= bound).then(pl.lit(_fen(tier.amount), pl.Int128)).otherwise(reached)
        )
    return pl.when(value.is_null()).then(pl.lit(None, pl.Int128)).otherwise(reached)


def _interest_expr(rule: InterestShare) -> pl.Expr:
    interest, loans = _scaled("annual_interest"), pl.col("bank_loans")
    subsidy = (
        pl.when(loans.is_null())
        .then(pl.lit(None, pl.Int128))
        .when(loans <= 1)
        .then(_times(interest, rule.first_loan_share))
        .otherwise(_times(interest, rule.share))
    )
    cap = min(_fen(rule.year_cap), _fen(rule.firm_cap))
    return pl.when(subsidy > cap).then(pl.lit(cap, pl.Int128)).otherwise(subsidy)
