"""Time the batch matcher: every firm × every product and policy, vectorised.

    PYTHONPATH=src python -m benchmarks.match_batch --rows 1000000 --products 200

Builds `assess_batch`'s seeded snapshot frame with synthetic assessment, registry and lending
columns added (the match vocabulary), and the shipped catalogue padded to `--products` with
perturbed copies (thresholds and amounts moved by up to ±20%, codes and ids renamed). Runs
`match_frame` once, in partitions, and prints the time of each step, rows/s and the peak
resident memory; then `layer_summary` and `policy_lists`; then checks `--sample` rows against the
scalar `match_one`. No figure is asserted.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import random
import resource
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from benchmarks.assess_batch import ON, _decimal, _money, snapshot_frame
from kejin.assessment.inputs.frames import KEY_SCHEMA
from kejin.matching.batch import PARTITION_ROWS, layer_summary, match_frame, policy_lists
from kejin.matching.catalogue import MatchCatalogue, catalogue_on
from kejin.matching.explain import match_one
from kejin.products.loader import Catalogue, load_catalogue
from kejin.products.model import AmountRange, ProductSpec
from kejin.products.sizing import FEN_SCALE
from kejin.products.vocabulary import MATCH_FIELDS, MATCH_VOCABULARY, MatchSnapshot
from kejin.registry.model import Stage

SEED = 2025
STAGE_SHARES = {"seed": 0.2, "start_up": 0.35, "growth": 0.25, "expansion": 0.12, "mature": 0.08}
STANDARDS = {"tech_sme": 0.4, "hnte": 0.15, "innovative_sme": 0.2, "specialised_sme": 0.08,
             "star": 0.02}  # fmt: skip
CLUSTERS = ["ai", "brain_science", "biomedicine", "semiconductors", "other"]
BANDS = ["top_5", "top_10", "top_20", "rest"]


def match_frame_of(rows: int, rng: np.random.Generator) -> pl.DataFrame:
    """The seeded snapshot frame with the match inputs added, about 5% of each unknown."""
    base = snapshot_frame(rows, rng)
    stages = rng.choice(list(STAGE_SHARES), rows, p=list(STAGE_SHARES.values()))
    held = {code: rng.random(rows) < share for code, share in STANDARDS.items()}
    review = {code: rng.random(rows) < share / 2 for code, share in STANDARDS.items()}
    outstanding = rng.exponential(3e8, rows) * (rng.random(rows) < 0.6)  # fen
    columns: dict[str, Any] = {
        "stage": pl.Series(stages),
        "innovation_points": pl.Series(rng.normal(450, 180, rows).clip(0, 1000).astype(np.int64)),
        "points_band": pl.Series(rng.choice(BANDS, rows, p=[0.05, 0.05, 0.1, 0.8])),
        "standards_met": _tokens(held),
        "standards_passable": _tokens({c: held[c] | review[c] for c in held}),
        "cluster": pl.Series(rng.choice(CLUSTERS, rows)),
        "region": pl.Series(["高新区"] * rows),
        "pledgeable_inventions": pl.Series(rng.poisson(0.8, rows)),
        "pledgeable_utility_models": pl.Series(rng.poisson(2, rows)),
        "trademarks": pl.Series(rng.poisson(1, rows)),
        "bank_loans": pl.Series(rng.poisson(1, rows)),
        "loans_outstanding": _money(outstanding),
        "annual_interest": _decimal(outstanding * 0.035, 2),
        "defaults_3y": pl.Series((rng.random(rows) < 0.05).astype(np.int64)),
        "talent_founder": pl.Series(rng.random(rows) < 0.2),
    }
    schema = MATCH_VOCABULARY.schema
    added = {}
    for name, values in columns.items():
        nulls = pl.Series(rng.random(rows) < (0.7 if name == "talent_founder" else 0.05))
        typed = values.cast(schema[name])
        added[name] = typed.zip_with(~nulls, pl.Series([None], dtype=schema[name]))
    frame = base.with_columns(**added)
    return frame.select(*KEY_SCHEMA, *(n for n in schema if n not in KEY_SCHEMA))


def _tokens(held: Mapping[str, np.ndarray]) -> pl.Series:
    chosen = [pl.when(pl.lit(pl.Series(flags))).then(pl.lit(code)) for code, flags in held.items()]
    return pl.select(pl.concat_list(chosen).list.drop_nulls()).to_series()


def padded(catalogue: Catalogue, count: int, draw: random.Random) -> Catalogue:
    """The catalogue with perturbed copies of its products added until it has `count`."""
    copies = [
        _perturbed(draw.choice(catalogue.products), number, draw)
        for number in range(count - len(catalogue.products))
    ]
    return dataclasses.replace(catalogue, products=(*catalogue.products, *copies))


def _perturbed(spec: ProductSpec, number: int, draw: random.Random) -> ProductSpec:
    code = f"{spec.code}.copy{number}"
    factor = Decimal(draw.randint(80, 120)) / 100
    tree = _renamed(copy.deepcopy(dict(spec.eligibility)), spec.code, code, factor)
    high = (spec.amount.high * factor).quantize(Decimal("10000"))
    amount = AmountRange(min(spec.amount.low, high), high)
    return dataclasses.replace(spec, code=code, eligibility=tree, amount=amount)


def _renamed(node: dict[str, Any], old: str, new: str, factor: Decimal) -> dict[str, Any]:
    """Ids (and refs) moved to the new code; numeric thresholds scaled, counts kept whole."""
    for key in ("id", "ref"):
        if key in node:
            node[key] = new + node[key].removeprefix(old)
    value = node.get("value")
    if isinstance(value, int | Decimal) and not isinstance(value, bool) and value > 1:
        scaled = Decimal(value) * factor
        node["value"] = int(scaled) if isinstance(value, int) else scaled.quantize(value)
    for child in node.get("children", ()):
        _renamed(child, old, new, factor)
    return node


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _check(catalogue: MatchCatalogue, frame: pl.DataFrame, layers: pl.DataFrame, rows: int) -> None:
    """The best product, status and amount of every layer agree with `match_one`."""
    picked = sorted(random.Random(SEED).sample(range(frame.height), min(rows, frame.height)))
    for number in picked:
        snapshot = MATCH_VOCABULARY.from_row(frame.row(number, named=True))
        assert isinstance(snapshot, MatchSnapshot)
        match = match_one(catalogue, snapshot, ON, explain=False)
        got = layers.row(number, named=True)
        for layer, matches in match.layers.items():
            best = matches[0]
            wanted = (best.code, int(best.amount.high.scaleb(FEN_SCALE)))
            assert (got[f"{layer}.best"], got[f"{layer}.amount_high"]) == wanted, (number, layer)
    print(f"check:  {len(picked):,} sampled rows agree with match_one")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--partition-rows", type=int, default=PARTITION_ROWS)
    parser.add_argument("--sample", type=int, default=1_000)
    args = parser.parse_args()
    started = time.perf_counter()
    frame = match_frame_of(args.rows, np.random.default_rng(SEED))
    built = time.perf_counter() - started
    print(f"frame:  {frame.height:,} rows × {frame.width} columns built in {built:.1f} s")
    catalogue = catalogue_on(padded(load_catalogue(), args.products, random.Random(SEED)), ON)
    criteria = sum(len(str(r.root).split("Criterion(")) - 1 for r in catalogue.rulesets)
    print(
        f"catalogue: {len(catalogue.products)} products, {len(catalogue.policies)} policies, "
        f"{criteria} criteria; Polars threads: {pl.thread_pool_size()}"
    )
    timings: dict[str, float] = {}
    started = time.perf_counter()
    frames = match_frame(catalogue, frame, partition_rows=args.partition_rows, timings=timings)
    matched = time.perf_counter() - started
    for step, seconds in timings.items():
        print(f"  {step}: {seconds:.2f} s")
    print(f"match:  {matched:.2f} s, {args.rows / matched:,.0f} rows/s")
    started = time.perf_counter()
    summary, lists = layer_summary(frames.layers), policy_lists(frames.policies, catalogue)
    print(
        f"summaries: {time.perf_counter() - started:.2f} s "
        f"({summary.height} stage × layer cells, {lists.height} policy lists, "
        f"{frames.reach.height} reach rows)"
    )
    print(f"peak RSS: {_peak_mb():,.0f} MB")
    _check(catalogue, frame, frames.layers, args.sample)
    gap = summary.filter(pl.col("layer") == "bank").select(
        "stage", (1 - pl.col("eligible") / pl.col("firms")).round(3).alias("no_bank_product")
    )
    print(gap.sort(pl.col("stage").cast(pl.Enum([s.value for s in Stage]))))
    assert set(MATCH_FIELDS) <= set(frame.columns)


if __name__ == "__main__":
    main()
