"""Time the batch rules engine against the scalar one on the same snapshot frame.

    PYTHONPATH=src python -m benchmarks.assess_batch --rows 1000000 --rulesets 7

Builds a random snapshot frame (vectorised, seeded), takes the rule sets shipped with Kejin that
are in force on the date and, to reach `--rulesets`, renamed copies of them (as many standards
as a region screens for). Times `assess_frame` over the whole frame (best of `--repeat`) and the
scalar `assess` over the first `--scalar-rows` rows (`snapshot_from_row`, then every rule set),
checks that both give the same verdicts on those rows, and prints rows/s and the speed-up.
No figure is asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import time
from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import polars as pl

from kejin.assessment.batch.verdicts import assess_frame
from kejin.assessment.inputs.frames import INPUT_SCHEMA, MONEY, SNAPSHOT_SCHEMA, snapshot_from_row
from kejin.assessment.standards.catalogue import load_rulesets
from kejin.assessment.standards.engine import assess
from kejin.assessment.standards.rules import Criterion, RuleSet, Rung

SEED = 2024
ON = dt.date(2025, 6, 1)
TOKENS = ["hnte", "tech_sme", "national", "provincial", "municipal", "national_st_award_top3"]


def snapshot_frame(rows: int, rng: np.random.Generator) -> pl.DataFrame:
    """A seeded random frame following the snapshot-frame contract, about 5% nulls per input."""
    revenue = np.exp(rng.uniform(np.log(1e6), np.log(1e11), rows)).astype(np.int64)  # fen
    columns: dict[str, pl.Series] = {
        "enterprise_id": pl.Series(np.arange(rows)),
        "uscc": pl.Series(np.arange(rows)).cast(pl.String).str.zfill(18),
    }
    staff = rng.integers(1, 2000, rows)
    counts = {"staff": staff, "tech_staff": (staff * rng.uniform(0, 0.5, rows)).astype(np.int64)}
    shares = {"rd_expense": 0.1, "high_tech_revenue": 1.0, "total_costs": 1.1, "total_assets": 3}
    for name, dtype in INPUT_SCHEMA.items():
        if name in counts:
            values = pl.Series(counts[name])
        elif name in shares or name.startswith("revenue"):
            factor = 3 if name.endswith("_3y") else 1
            values = _money(revenue * rng.uniform(0, shares.get(name, 1) * factor, rows))
        elif dtype == pl.Int64():
            values = pl.Series(rng.poisson(2, rows))
        elif dtype == MONEY:
            values = _money(rng.uniform(-1e8, 1e11, rows))
        elif isinstance(dtype, pl.Decimal):
            values = _decimal(rng.integers(0, 60_000, rows), dtype.scale)
        elif dtype == pl.Boolean():
            values = pl.Series(rng.random(rows) < 0.5)
        elif dtype == pl.List(MONEY):
            values = _history(revenue, rng)
        elif dtype == pl.List(pl.String()):
            values = _tokens(rng, rows)
        else:
            values = pl.Series([None] * rows, dtype=dtype)
        nulls = pl.Series(rng.random(rows) < 0.05)
        columns[name] = values.cast(dtype).zip_with(~nulls, pl.Series([None], dtype=dtype))
    frame = pl.DataFrame(columns)
    return frame.select(
        pl.col(name).cast(dtype) if name in columns else pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in SNAPSHOT_SCHEMA.items()
    )


def _decimal(units: np.ndarray, scale: int) -> pl.Series:
    """Whole units of the last decimal place as an exact Decimal(38, scale) series."""
    unit = pl.lit(Decimal(1).scaleb(-scale))
    whole = pl.Series(units.astype(np.int64)).cast(pl.Decimal(38, 0))
    return pl.select((pl.lit(whole) * unit).cast(pl.Decimal(38, scale))).to_series()


def _money(fen: np.ndarray) -> pl.Series:
    return _decimal(fen, 2)


def _tokens(rng: np.random.Generator, rows: int) -> pl.Series:
    """A random subset of the tokens per row, each held by a quarter of the rows."""
    held = {token: pl.Series(rng.random(rows) < 0.25) for token in TOKENS}
    chosen = [pl.when(pl.lit(flags)).then(pl.lit(token)) for token, flags in held.items()]
    return pl.select(pl.concat_list(chosen).list.drop_nulls()).to_series()


def _history(revenue: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """Up to three years, oldest first, each a random step from the one before."""
    years = [revenue * rng.uniform(0.5, 1.5, len(revenue)) for _ in range(3)]
    series = pl.DataFrame({f"y{i}": _money(year) for i, year in enumerate(years)})
    kept = pl.Series(rng.integers(0, 4, len(revenue)))
    return series.select(pl.concat_list(pl.all()).list.tail(pl.lit(kept))).to_series()


def rulesets(count: int) -> list[RuleSet]:
    """The rule sets in force, then renamed copies of them up to `count`."""
    shipped = [ruleset for ruleset in load_rulesets() if ruleset.version.in_force(ON)]
    copies = (_renamed(r, n) for n in itertools.count(2) for r in shipped)
    return list(itertools.islice(itertools.chain(shipped, copies), count))


def _renamed(ruleset: RuleSet, number: int) -> RuleSet:
    def rename(criterion: Criterion) -> Criterion:
        return dataclasses.replace(
            criterion,
            id=f"{criterion.id}~{number}",
            ref=None if criterion.ref is None else f"{criterion.ref}~{number}",
            children=tuple(rename(child) for child in criterion.children),
            rungs=tuple(Rung(rung.points, rename(rung.when)) for rung in criterion.rungs),
        )

    version = dataclasses.replace(ruleset.version, code=f"{ruleset.version.code}~{number}")
    return RuleSet(version, rename(ruleset.root))


def _criteria(criterion: Criterion) -> Iterator[Criterion]:
    yield criterion
    for child in (*criterion.children, *(rung.when for rung in criterion.rungs)):
        yield from _criteria(child)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rulesets", type=int, default=7)
    parser.add_argument("--scalar-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--detail", action="store_true", help="every criterion's columns too")
    args = parser.parse_args()
    chosen = rulesets(args.rulesets)
    criteria = sum(len(list(_criteria(r.root))) for r in chosen)
    started = time.perf_counter()
    frame = snapshot_frame(args.rows, np.random.default_rng(SEED))
    print(f"frame: {frame.height:,} rows built in {time.perf_counter() - started:.1f} s")
    print(
        f"rule sets: {len(chosen)} ({criteria} criteria); Polars threads: {pl.thread_pool_size()}"
    )
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        answer = assess_frame(chosen, frame, ON, detail=args.detail)
        timings.append(time.perf_counter() - started)
    batch = min(timings)
    print(f"batch:  {batch:.2f} s, {args.rows / batch:,.0f} rows/s ({answer.width} columns)")
    sample = frame.head(args.scalar_rows)
    started = time.perf_counter()
    verdicts = [
        [assess(ruleset, snapshot_from_row(row), ON).verdict for ruleset in chosen]
        for row in sample.iter_rows(named=True)
    ]
    scalar = time.perf_counter() - started
    print(
        f"scalar: {scalar:.2f} s for {sample.height:,} rows, {sample.height / scalar:,.0f} rows/s"
    )
    print(f"speed-up: {(args.rows / batch) / (sample.height / scalar):,.0f}×")
    statuses = [r.version.code + ".status" for r in chosen]
    for row, row_verdicts in zip(
        answer.head(sample.height).iter_rows(named=True), verdicts, strict=True
    ):
        assert [row[c] for c in statuses] == [v.status.value for v in row_verdicts]
    print(f"the verdicts of both paths agree on the {sample.height:,} rows timed")


if __name__ == "__main__":
    main()
