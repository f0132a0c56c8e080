"""The rule-file format: criteria kinds as frozen dataclasses, parsed from JSON data.

A rule file is data (see docs/assessment.md); `parse_ruleset` checks it against the snapshot's
inputs once, so evaluation never meets an unknown input name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from kejin.assessment.errors import InvalidRuleSet
from kejin.assessment.model import SNAPSHOT_INPUTS, Points, RuleSetVersion

OPERATORS = frozenset({">=", ">", "<=", "<", "=="})
AGGREGATES = frozenset({"each", "sum", "mean"})
ZERO = Decimal(0)


@dataclasses.dataclass(frozen=True, slots=True)
class Measure:
    """An input, or the ratio of two inputs."""

    numerator: str
    denominator: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Band:
    """Points for values from `lower` up (inclusive unless `exclusive`)."""

    lower: Decimal
    points: Points
    exclusive: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Tier:
    """Below `up_to` (inclusive; open if None) of the selector, the measure must reach `minimum`."""

    up_to: Decimal | None
    minimum: Decimal


@dataclasses.dataclass(frozen=True, slots=True)
class Rung:
    """One step of a ladder: `points` when the condition `when` is met."""

    points: Points
    when: Criterion


@dataclasses.dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of any kind; only the fields its kind reads are set."""

    id: str
    kind: str
    label_zh: str
    label_en: str
    measure: Measure | None = None
    op: str | None = None
    value: Decimal | bool | None = None
    members: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    tiers: tuple[Tier, ...] = ()
    selector: Measure | None = None
    points: Points | None = None
    when_true: Points | None = None
    when_false: Points | None = None
    cap: Decimal | None = None
    ref: str | None = None
    children: tuple[Criterion, ...] = ()
    years: int | None = None  # how many of the last fiscal years a series criterion reads
    aggregate: str | None = None  # how a yearly criterion folds its years: each, sum, mean
    rungs: tuple[Rung, ...] = ()
    otherwise: Points | None = None  # a ladder's points when no rung is met (default 0)


@dataclasses.dataclass(frozen=True, slots=True)
class RuleSet:
    version: RuleSetVersion
    root: Criterion


def parse_ruleset(data: Mapping[str, Any], inputs: frozenset[str] = SNAPSHOT_INPUTS) -> RuleSet:
    """A rule set from its decoded JSON (decimals as `Decimal`); measures name `inputs`."""
    try:
        version = RuleSetVersion(
            code=data["code"],
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            issuer=data["issuer"],
            doc_no=data["doc_no"],
            version=data["version"],
            effective_from=dt.date.fromisoformat(data["effective_from"]),
            effective_to=_optional_date(data.get("effective_to")),
            source_url=data["source_url"],
        )
        root = _criterion(data["verdict"])
        _check_inputs(root, inputs)
        return RuleSet(version=version, root=root)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidRuleSet(
            "Rule set {code} is malformed: {reason}", code=data.get("code"), reason=repr(error)
        ) from error


def _check_inputs(criterion: Criterion, inputs: frozenset[str]) -> None:
    for measure in (criterion.measure, criterion.selector):
        if measure is not None and not {measure.numerator, measure.denominator} - {None} <= inputs:
            raise ValueError(f"unknown input in {criterion.id!r}")
    for child in (*criterion.children, *(rung.when for rung in criterion.rungs)):
        _check_inputs(child, inputs)


def _optional_date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _criterion(node: Mapping[str, Any]) -> Criterion:
    kind = node["kind"]
    if kind not in _KIND_FIELDS:
        raise ValueError(f"unknown kind {kind!r} in {node['id']!r}")
    if "op" in node and node["op"] not in OPERATORS:
        raise ValueError(f"unknown operator {node['op']!r} in {node['id']!r}")
    fields: dict[str, Any] = {
        name: parse(node[name]) for name, parse in _KIND_FIELDS[kind] if name in node
    }
    if kind in _CHECKS:
        _CHECKS[kind](node["id"], fields)
    return Criterion(
        id=node["id"],
        kind=kind,
        label_zh=node["label"]["zh"],
        label_en=node["label"]["en"],
        **fields,
    )


def _measure(spec: str | Sequence[str]) -> Measure:
    names = (spec,) if isinstance(spec, str) else tuple(spec)
    if len(names) not in (1, 2):
        raise ValueError(f"bad measure {spec!r}")
    return Measure(*names)


def _points(spec: int | Decimal | Sequence[int | Decimal]) -> Points:
    if isinstance(spec, int | Decimal):
        return Points.exact(spec)
    low, high = spec
    return Points(Decimal(low), Decimal(high))


def _bands(specs: Sequence[Mapping[str, Any]]) -> tuple[Band, ...]:
    bands = tuple(
        Band(Decimal(s["from"]), _points(s["points"]), bool(s.get("exclusive", False)))
        for s in specs
    )
    if any(a.lower < b.lower for a, b in itertools.pairwise(bands)):
        raise ValueError("bands must run from the highest lower bound down")
    return bands


def _tiers(specs: Sequence[Mapping[str, Any]]) -> tuple[Tier, ...]:
    return tuple(
        Tier(None if s.get("up_to") is None else Decimal(s["up_to"]), Decimal(s["minimum"]))
        for s in specs
    )


def _value(spec: bool | int | Decimal | str) -> Decimal | bool:
    return spec if isinstance(spec, bool) else Decimal(spec)


def _children(specs: Sequence[Mapping[str, Any]]) -> tuple[Criterion, ...]:
    return tuple(_criterion(child) for child in specs)


def _same(spec: str) -> str:
    return spec


def _names(spec: Sequence[str]) -> tuple[str, ...]:
    return tuple(spec)


def _count(spec: int) -> int:
    if isinstance(spec, bool) or not isinstance(spec, int) or spec < 1:
        raise ValueError(f"bad number of years {spec!r}")
    return spec


def _aggregate(spec: str) -> str:
    if spec not in AGGREGATES:
        raise ValueError(f"unknown aggregate {spec!r}")
    return spec


def _rungs(specs: Sequence[Mapping[str, Any]]) -> tuple[Rung, ...]:
    return tuple(Rung(_points(spec["points"]), _criterion(spec["when"])) for spec in specs)


def _check_rate(criterion_id: str, fields: Mapping[str, Any]) -> None:
    """A rate is scored by bands or compared with a numeric pass mark, never both."""
    if ("op" in fields) == bool(fields.get("bands")) or ("op" in fields) != ("value" in fields):
        raise ValueError(f"{criterion_id!r}: give either op and value, or bands")
    if not isinstance(fields.get("value", ZERO), Decimal):
        raise ValueError(f"{criterion_id!r}: a rate is compared with a number")


def _check_cagr(criterion_id: str, fields: Mapping[str, Any]) -> None:
    """Two years at least, and no bound below −100% (where (1 + t)^n stops ordering rates)."""
    _check_rate(criterion_id, fields)
    if fields.get("years", 0) < 2:
        raise ValueError(f"{criterion_id!r}: a growth rate needs at least two years")
    bounds = [band.lower for band in fields.get("bands", ())] + [fields.get("value", ZERO)]
    if any(bound < -1 for bound in bounds):
        raise ValueError(f"{criterion_id!r}: a growth-rate bound is at least -1")


def _check_yearly(criterion_id: str, fields: Mapping[str, Any]) -> None:
    if not {"measure", "years", "aggregate", "op"} <= fields.keys():
        raise ValueError(f"{criterion_id!r}: yearly needs measure, years, aggregate and op")
    if not isinstance(fields.get("value"), Decimal):
        raise ValueError(f"{criterion_id!r}: yearly compares with a number")


def _check_ladder(criterion_id: str, fields: Mapping[str, Any]) -> None:
    if not fields.get("rungs"):
        raise ValueError(f"{criterion_id!r}: a ladder needs at least one rung")


def _check_applies_if(criterion_id: str, fields: Mapping[str, Any]) -> None:
    if len(fields.get("children", ())) != 1 or not isinstance(fields.get("value"), bool):
        raise ValueError(f"{criterion_id!r}: applies_if takes one child and a true/false value")


_KIND_FIELDS: dict[str, tuple[tuple[str, Any], ...]] = {
    "threshold": (("measure", _measure), ("op", _same), ("value", _value)),
    "contains_any": (("measure", _measure), ("members", _names)),
    "bands": (("measure", _measure), ("bands", _bands)),
    "growth": (("measure", _measure), ("bands", _bands), ("op", _same), ("value", _value)),
    "cagr": (
        ("measure", _measure),
        ("years", _count),
        ("op", _same),
        ("value", _value),
        ("bands", _bands),
    ),
    "yearly": (
        ("measure", _measure),
        ("years", _count),
        ("aggregate", _aggregate),
        ("op", _same),
        ("value", _value),
    ),
    "ladder": (("rungs", _rungs), ("otherwise", _points)),
    "applies_if": (("measure", _measure), ("value", _value), ("children", _children)),
    "tiered_threshold": (("measure", _measure), ("selector", _measure), ("tiers", _tiers)),
    "manual": (("points", _points),),
    "by_flag": (("measure", _measure), ("when_true", _points), ("when_false", _points)),
    "ref": (("ref", _same),),
    "all_of": (("children", _children),),
    "any_of": (("children", _children),),
    "best_of": (("children", _children),),
    "total": (("children", _children), ("cap", Decimal), ("op", _same), ("value", _value)),
}

_CHECKS: dict[str, Callable[[str, Mapping[str, Any]], None]] = {
    "growth": _check_rate,
    "cagr": _check_cagr,
    "yearly": _check_yearly,
    "ladder": _check_ladder,
    "applies_if": _check_applies_if,
}
