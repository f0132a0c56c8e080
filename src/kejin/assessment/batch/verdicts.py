"""The batch path of the rules engine: rule trees compiled once into Polars expressions.

`assess_frame` answers, for every row of a snapshot frame (`inputs.frames`), exactly what
 `engine.assess` answers for that row's snapshot: the same status, points and chosen option
for every criterion. Each kind has one compile function (`COMPILERS`, mirroring the engine's
`_KINDS`; see `blocks`) turning a criterion into an Int8 status code, scaled Int64 points
and, for best-of and ladder, the option chosen. Criteria are materialised level by level,
leaves first, so a parent reads its children's columns instead of repeating their expressions;
the frame runs as one lazy plan. Numbers are compared exactly (`exact`); a row
holding an input too large for that goes to the scalar engine, so the answer is the engine's
for every row.

The frame's inputs are those of a `Vocabulary` (by default the `EnterpriseSnapshot` fields), which
types the columns and reads a row back as a snapshot for the scalar engine. With `codes` the
statuses stay Int8 codes and criteria that never have points get no points columns: the cheap
form for many rule sets over many rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import NoReturn

import polars as pl

from kejin.assessment.batch import exact
from kejin.assessment.batch.blocks import (
    CHOOSING,
    CODES,
    STATUS,
    Compiled,
    Compiler,
    History,
    subcriteria,
)
from kejin.assessment.batch.composites import COMPOSITE_KINDS
from kejin.assessment.batch.inputs import INPUT_KINDS
from kejin.assessment.errors import InvalidRuleSet, RuleSetNotInForce
from kejin.assessment.inputs.frames import KEY_SCHEMA, MONEY, SNAPSHOT_VOCABULARY, Vocabulary
from kejin.assessment.model import CriterionResult, Points
from kejin.assessment.standards.engine import assess
from kejin.assessment.standards.rules import Criterion, Measure, RuleSet, walk

# One compile function per kind, mirroring the engine's `_KINDS`.
COMPILERS: dict[str, Callable[[Criterion, Compiler], Compiled]] = INPUT_KINDS | COMPOSITE_KINDS
_KEYS = ("enterprise_id", "uscc")
_OUT_OF_RANGE = "__out_of_range"
# The streaming engine pays a fixed cost per wide plan (about half a second with detail) and
# gains on large frames only; measured on the shipped rule sets (benchmarks/assess_batch.py).
_STREAMING_FROM = 500_000
_ROW = "__row"


def assess_frame(
    rulesets: Sequence[RuleSet],
    frame: pl.DataFrame,
    on: dt.date,
    *,
    detail: bool = False,
    vocabulary: Vocabulary = SNAPSHOT_VOCABULARY,
    codes: bool = False,
) -> pl.DataFrame:
    """One row per frame row, in order: `enterprise_id`, `uscc`, then per rule set
    `<code>.status`, `<code>.low`, `<code>.high`; with `detail` also `<id>.status/.low/.high`
    per criterion and `<id>.chosen` per best-of. Every rule set must be in force on `on`.

    The frame holds `vocabulary`'s inputs. With `codes`, statuses are `blocks.CODES` (Int8) and
    a criterion that never has points has no `.low`/`.high` columns."""
    for ruleset in rulesets:
        if not ruleset.version.in_force(on):
            raise RuleSetNotInForce(
                "No version of rule set {code} is in force on {date}",
                code=ruleset.version.code,
                date=on.isoformat(),
            )
    plan = _compiled(tuple(rulesets), vocabulary, codes, detail)
    _check_frame(frame, plan.inputs, vocabulary)
    stages = frame.lazy()
    for level in sorted(plan.levels):
        stages = stages.with_columns(plan.levels[level])
    beyond = pl.any_horizontal(pl.lit(False), *plan.guards.values()).fill_null(value=False)
    answer = stages.select(*plan.outputs, beyond.alias(_OUT_OF_RANGE)).collect(
        engine="streaming" if frame.height >= _STREAMING_FROM else "in-memory"
    )
    flagged = answer.get_column(_OUT_OF_RANGE)
    answer = answer.drop(_OUT_OF_RANGE)
    if flagged.any():
        scalar = _scalar_answer(rulesets, frame.filter(flagged), on, plan, answer.schema)
        answer = _splice(answer, flagged, scalar)
    return answer


def _check_frame(frame: pl.DataFrame, inputs: set[str], vocabulary: Vocabulary) -> None:
    """The frame follows the snapshot-frame contract for the keys and every input read."""
    expected = {name: KEY_SCHEMA[name] for name in _KEYS}
    expected |= {name: vocabulary.schema[name] for name in sorted(inputs)}
    schema = frame.schema  # a new mapping at each call: read once
    wrong = [
        f"{name} is {schema.get(name)}, not {dtype}"
        for name, dtype in expected.items()
        if schema.get(name) != dtype
    ]
    if wrong:
        raise ValueError("not a snapshot frame: " + "; ".join(wrong))


# --- compiling -------------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class _Plan:
    """Expressions to run level by level, range guards on the inputs, and the outputs."""

    vocabulary: Vocabulary
    codes: bool  # statuses as Int8 codes, no points columns where a criterion never has points
    detail: bool  # every criterion's columns, not only the rule sets'
    points_scale: int = 0
    levels: dict[int, list[pl.Expr]] = dataclasses.field(default_factory=dict)
    guards: dict[str, pl.Expr] = dataclasses.field(default_factory=dict)
    inputs: set[str] = dataclasses.field(default_factory=set)
    outputs: list[pl.Expr] = dataclasses.field(default_factory=list)
    names: set[str] = dataclasses.field(default_factory=set)

    def output(self, name: str, compiled: Compiled, parts: Sequence[str]) -> None:
        points = pl.Decimal(38, self.points_scale)
        if self.codes and compiled.low is None:
            parts = [part for part in parts if part not in ("low", "high")]
        exprs = {
            "status": compiled.status if self.codes else _status_text(compiled.status),
            "low": _decimal_points(compiled.low, self.points_scale),
            "high": _decimal_points(compiled.high, self.points_scale),
            "chosen": pl.lit(None) if compiled.chosen is None else compiled.chosen,
        }
        status = STATUS if self.codes else pl.String()
        types = {"status": status, "low": points, "high": points, "chosen": pl.String()}
        for part in parts:
            column = f"{name}.{part}"
            if column in self.names:
                raise ValueError(f"two outputs would be called {column!r}")
            self.names.add(column)
            self.outputs.append(exprs[part].cast(types[part]).alias(column))


@functools.lru_cache(maxsize=16)
def _compiled(
    rulesets: tuple[RuleSet, ...], vocabulary: Vocabulary, codes: bool, detail: bool
) -> _Plan:
    """The plan of `rulesets`, compiled once and then reused (read only): compiling the shipped
    rule sets with detail takes about 0.2 s, as long as assessing a few thousand rows, and a
    partitioned run or a test assesses many frames with the same rule sets."""
    return _compile(rulesets, _Plan(vocabulary, codes=codes, detail=detail))


def _compile(rulesets: Sequence[RuleSet], plan: _Plan) -> _Plan:
    """Every rule tree compiled once into `plan` (empty); the outputs in rule-set order,
    criteria depth first."""
    plan.points_scale = max((_places(value) for value in _point_constants(rulesets)), default=0)
    plan.outputs, plan.names = [pl.col(name) for name in _KEYS], set(_KEYS)
    for ruleset in rulesets:
        code = ruleset.version.code
        compiler = _Compiler(plan, code)
        plan.output(code, compiler.result(ruleset.root), ("status", "low", "high"))
        if not plan.detail:
            continue
        for criterion in walk(ruleset.root):
            parts = ["status", "low", "high"] if criterion.id != code else []
            parts += ["chosen"] if criterion.kind in CHOOSING else []
            plan.output(criterion.id, compiler.done[criterion.id], parts)
    return plan


def _point_constants(rulesets: Sequence[RuleSet]) -> Iterator[Decimal]:
    """Every number that becomes or meets points: together they fix the points scale."""
    for ruleset in rulesets:
        for criterion in walk(ruleset.root):
            ranges = [criterion.points, criterion.when_true, criterion.when_false]
            ranges += [criterion.otherwise, *(rung.points for rung in criterion.rungs)]
            for points in [*ranges, *(band.points for band in criterion.bands)]:
                if points is not None:
                    yield from (points.low, points.high)
            if criterion.cap is not None:
                yield criterion.cap
            if criterion.kind == "total" and isinstance(criterion.value, Decimal):
                yield criterion.value


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


class _Compiler:
    """Compiles one rule set's tree depth first, in the order the engine evaluates it."""

    def __init__(self, plan: _Plan, code: str) -> None:
        self.plan = plan
        self.code = code
        self.done: dict[str, Compiled] = {}
        self.level: dict[str, int] = {}
        self.floor: dict[str, int] = {}  # levels of columns a criterion reads besides children

    def result(self, criterion: Criterion) -> Compiled:
        """The criterion's columns (or literals), compiled and scheduled once."""
        compile_kind = COMPILERS.get(criterion.kind)
        if compile_kind is None:
            self.refuse(f"kind {criterion.kind!r} of {criterion.id!r} has no batch compiler")
        if criterion.id in self.done:
            self.refuse(f"criterion id {criterion.id!r} is used twice")
        try:
            compiled = compile_kind(criterion, self)
        except OverflowError as error:
            self.refuse(f"{criterion.id!r}: {error}")
        if not compiled.constant and criterion.kind != "ref":
            compiled = self._schedule(criterion, compiled)
        self.done[criterion.id] = compiled
        return compiled

    def _schedule(self, criterion: Criterion, compiled: Compiled) -> Compiled:
        """Materialise the criterion one level above its deepest child."""
        below = [self.level.get(child.id, 0) for child in subcriteria(criterion)]
        level = 1 + max([*below, self.floor.get(criterion.id, 0)])
        self.level[criterion.id] = level
        prefix = f"__{self.code}:{criterion.id}"
        parts = {
            "status": compiled.status,
            "low": compiled.low,
            "high": compiled.high,
            "chosen": compiled.chosen,
        }
        present = {part: expr for part, expr in parts.items() if expr is not None}
        self.plan.levels.setdefault(level, []).extend(
            expr.alias(f"{prefix}.{part}") for part, expr in present.items()
        )
        refs = {part: pl.col(f"{prefix}.{part}") for part in present}
        return Compiled(refs["status"], refs.get("low"), refs.get("high"), refs.get("chosen"))

    def earlier(self, criterion: Criterion) -> Compiled:
        """What a `ref` names; as in the engine, it must have been evaluated before."""
        assert criterion.ref is not None
        if criterion.ref not in self.done:
            self.refuse(f"{criterion.id!r} refers to {criterion.ref!r} before it is evaluated")
        self.level[criterion.id] = self.level.get(criterion.ref, 0)
        return dataclasses.replace(self.done[criterion.ref], chosen=None)

    def shared(
        self, criterion: Criterion, reading: exact.Quotient, role: str = "measure"
    ) -> exact.Quotient:
        """A reading compared more than once, computed once: a computed numerator and
        denominator become columns one level below the criterion."""
        if isinstance(reading.den, int):
            return reading  # a plain column already
        prefix = f"__{self.code}:{criterion.id}.{role}"
        self.plan.levels.setdefault(1, []).extend(
            [reading.num.alias(f"{prefix}.num"), reading.den.alias(f"{prefix}.den")]
        )
        self.floor[criterion.id] = 1
        return dataclasses.replace(
            reading, num=pl.col(f"{prefix}.num"), den=pl.col(f"{prefix}.den")
        )

    def reading(self, measure: Measure | None) -> exact.Quotient | None:
        """An input or ratio as the engine's `_Run.read` reads it; None: never a number."""
        assert measure is not None
        top = self.number(measure.numerator)
        if measure.denominator is None:
            return None if top is None else exact.plain(*top)
        bottom = self.number(measure.denominator)
        return None if top is None or bottom is None else exact.ratio(top, bottom)

    def number(self, name: str) -> tuple[pl.Expr, int] | None:
        """A number input as (unscaled Int128, scale); None for inputs that are not numbers."""
        dtype = self.dtype(name)
        if isinstance(dtype, pl.Decimal):
            value, scale = pl.col(name).to_physical(), dtype.scale
        elif dtype == pl.Int64():
            value, scale = pl.col(name).cast(pl.Int128()), 0
        else:
            return None
        self.plan.guards[name] = value.abs() >= exact.INPUT_LIMIT
        return value, scale

    def history(self, name: str, years: int) -> History | None:
        """A history's last `years` values as unscaled Int128, oldest first (null where the
        series is shorter); None for inputs that are not histories."""
        if self.dtype(name) != pl.List(MONEY):
            return None
        column = pl.col(name)
        values = tuple(
            column.list.get(-back, null_on_oob=True).to_physical() for back in range(years, 0, -1)
        )
        for back, value in zip(range(years, 0, -1), values, strict=True):
            self.plan.guards[f"{name}[-{back}]"] = value.abs() >= exact.INPUT_LIMIT
        return History(column, values, column.list.len(), MONEY.scale)

    def dtype(self, name: str) -> pl.DataType:
        dtype = self.plan.vocabulary.schema.get(name)
        if dtype is None:
            self.refuse(f"input {name!r} is not in the frame's vocabulary")
        self.plan.inputs.add(name)
        return dtype

    def points(self, points: Points) -> tuple[int, int]:
        return self.scaled(points.low), self.scaled(points.high)

    def scaled(self, value: Decimal) -> int:
        """A points number as an integer at the plan's points scale."""
        scaled = value.scaleb(self.plan.points_scale)
        if abs(scaled) >= exact.POINTS_LIMIT:
            self.refuse(f"{value} points are beyond the batch limit")
        return int(scaled)

    def refuse(self, reason: str) -> NoReturn:
        raise InvalidRuleSet(  # the format's own message: the batch path reads the same format
            "Rule set {code} is malformed: {reason}", code=self.code, reason=f"batch: {reason}"
        )


def _status_text(code: pl.Expr) -> pl.Expr:
    return code.replace_strict(
        list(CODES.values()), [status.value for status in CODES], return_dtype=pl.String
    )


def _decimal_points(points: pl.Expr | None, scale: int) -> pl.Expr:
    """Scaled integer points as exact decimals."""
    if points is None:
        return pl.lit(None)
    whole = points.cast(pl.Decimal(38, 0))
    return whole if scale == 0 else whole * pl.lit(Decimal(1).scaleb(-scale))


# --- rows beyond the exact range: the scalar engine answers ------------------------------------


def _scalar_answer(
    rulesets: Sequence[RuleSet], rows: pl.DataFrame, on: dt.date, plan: _Plan, schema: pl.Schema
) -> pl.DataFrame:
    """The same output columns (`schema`), filled from `engine.assess` row by row."""
    records = []
    for row in rows.iter_rows(named=True):
        snapshot = plan.vocabulary.from_row(row)
        record = {name: row[name] for name in _KEYS}
        for ruleset in rulesets:
            verdict = assess(ruleset, snapshot, on, explain=False).verdict
            record |= _result_columns(ruleset.version.code, verdict, plan.codes, chosen=False)
            if plan.detail:
                for criterion, result in _pairs(ruleset.root, verdict):
                    chosen = criterion.kind in CHOOSING
                    record |= _result_columns(criterion.id, result, plan.codes, chosen=chosen)
        records.append([record.get(name) for name in schema])
    return pl.DataFrame(records, schema=schema, orient="row")


def _pairs(
    criterion: Criterion, result: CriterionResult
) -> Iterator[tuple[Criterion, CriterionResult]]:
    yield criterion, result
    for child, child_result in zip(subcriteria(criterion), result.children, strict=True):
        yield from _pairs(child, child_result)


def _result_columns(
    name: str, result: CriterionResult, codes: bool, *, chosen: bool
) -> dict[str, object]:
    points = result.points
    columns: dict[str, object] = {
        f"{name}.status": CODES[result.status] if codes else result.status.value,
        f"{name}.low": None if points is None else points.low,
        f"{name}.high": None if points is None else points.high,
    }
    if chosen:
        columns[f"{name}.chosen"] = result.chosen
    return columns


def _splice(answer: pl.DataFrame, flagged: pl.Series, scalar: pl.DataFrame) -> pl.DataFrame:
    """The batch answer with the flagged rows replaced by the scalar ones, order kept."""
    numbered = answer.with_row_index(_ROW)
    positions = numbered.get_column(_ROW).filter(flagged)
    replaced = scalar.insert_column(0, positions)
    return pl.concat([numbered.filter(~flagged), replaced]).sort(_ROW).drop(_ROW)
