"""Every firm × every product and policy in force, vectorised: the batch form of `explain`.

`match_frame` runs one `assess_frame` (codes, with each condition's status) over all products and
policies per partition of rows, sizes every product exactly in Int64 fen (`products.sizing`),
ranks products with the `rank` key and keeps, per firm: each layer's best product with its
status and amount and the counts of met, review and unknown products; each policy's status,
list (免申即享 or apply) and benefit; and, summed over firms, each product's reach by stage and
status. `layer_summary` and `policy_lists` fold these for the government view.

Statuses are `blocks.CODES` (unmet 0, unknown 1, manual review 2, met 3); a tree in which no
condition applies counts as met, as in `model.match_status`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import polars as pl

from kejin.assessment.batch.blocks import CODES
from kejin.assessment.batch.verdicts import assess_frame
from kejin.assessment.model import Status
from kejin.matching.catalogue import MatchCatalogue, PolicyEntry, ProductEntry
from kejin.matching.model import PolicyList, conjuncts
from kejin.matching.rank import key_index, rank_expr, status_of_key
from kejin.products.model import Layer, PolicyMode
from kejin.products.sizing import amount_exprs
from kejin.products.vocabulary import MATCH_VOCABULARY

PARTITION_ROWS = 250_000
KEYS = ("enterprise_id", "uscc")
MET, REVIEW, UNKNOWN, UNMET = (
    CODES[Status.MET],
    CODES[Status.MANUAL_REVIEW],
    CODES[Status.UNKNOWN],
    CODES[Status.UNMET],
)
_NOT_APPLICABLE = CODES[Status.NOT_APPLICABLE]
STATUS_NAMES = {MET: "met", REVIEW: "manual_review", UNKNOWN: "unknown", UNMET: "unmet"}
POLICY_LIST = pl.Enum([item.value for item in PolicyList])
_PRODUCT_OUTPUTS = (".match", ".unmet", ".fit", "_low", "_high", "_indicative", ".key")


@dataclasses.dataclass(frozen=True, slots=True)
class MatchFrames:
    """`layers`: per firm, the keys, `stage` and per layer `<layer>.best` (product code),
    `.status`, `.amount_high` (fen), `.met`, `.review`, `.unknown` (product counts).
    `policies`: per firm, per policy `<code>.status`, `.list`, `.benefit_high` (fen).
    `reach`: product, stage, status, firms, amount_high (Σ fen).
    `products` (when asked for): per firm, per product `<code>.match` (status), `.unmet`, `.fit`,
    `_low`, `_high`, `_indicative`, `.key`."""

    layers: pl.DataFrame
    policies: pl.DataFrame
    reach: pl.DataFrame
    products: pl.DataFrame | None = None


def match_frame(
    catalogue: MatchCatalogue,
    frame: pl.DataFrame,
    *,
    partition_rows: int = PARTITION_ROWS,
    products: bool = False,
    timings: dict[str, float] | None = None,
) -> MatchFrames:
    """Match every row of a match-snapshot frame (`MATCH_VOCABULARY` columns plus the keys).
    `timings`, when given, gathers the seconds spent on each step (for benchmarks)."""
    clock = _Clock(timings if timings is not None else {})
    parts = [
        _partition(catalogue, part, products=products, clock=clock)
        for part in _slices(frame, partition_rows)
    ]
    reach = pl.concat([part.reach for part in parts])
    reach = reach.group_by("product", "stage", "status").agg(pl.sum("firms", "amount_high"))
    frames = MatchFrames(
        pl.concat([part.layers for part in parts]),
        pl.concat([part.policies for part in parts]),
        reach.sort("product", "stage", "status", nulls_last=True),
        pl.concat([p.products for p in parts if p.products is not None]) if products else None,
    )
    clock.lap("other")
    return frames


def _slices(frame: pl.DataFrame, rows: int) -> Iterator[pl.DataFrame]:
    if frame.height == 0:
        yield frame
    for start in range(0, frame.height, rows):
        yield frame.slice(start, rows)


@dataclasses.dataclass(slots=True)
class _Clock:
    """Seconds per step, summed over partitions."""

    timings: dict[str, float]
    started: float = dataclasses.field(default_factory=time.perf_counter)

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.timings[step] = self.timings.get(step, 0.0) + now - self.started
        self.started = now


def _partition(
    catalogue: MatchCatalogue, part: pl.DataFrame, *, products: bool, clock: _Clock
) -> MatchFrames:
    clock.lap("other")
    verdicts = assess_frame(
        catalogue.rulesets,
        part,
        catalogue.on,
        detail=True,
        codes=True,
        vocabulary=MATCH_VOCABULARY,
    ).drop(*KEYS)
    clock.lap("eligibility")
    # Each step is materialised before the next reads it: inlined, the layer choices would
    # recompute every key many times over.
    sized = pl.concat([part, verdicts], how="horizontal").select(
        *KEYS,
        "stage",
        *(expr for entry in catalogue.products for expr in _product_exprs(entry, products)),
        *(expr for entry in catalogue.policies for expr in _policy_exprs(entry)),
    )
    clock.lap("sizing")
    ranked = sized.with_columns(_key(entry) for entry in catalogue.products).with_columns(
        _best_key(catalogue, layer) for layer in Layer if catalogue.layer(layer)
    )
    clock.lap("ranking")
    layers = ranked.select(
        *KEYS, "stage", *(e for layer in Layer for e in _layer_exprs(catalogue, layer))
    )
    policies = ranked.select(*KEYS, *(c for e in catalogue.policies for c in _policy_columns(e)))
    reach = _reach(ranked, catalogue)
    clock.lap("layers, policies, reach")
    outputs = [f"{e.code}{name}" for e in catalogue.products for name in _PRODUCT_OUTPUTS]
    return MatchFrames(
        layers, policies, reach, ranked.select(*KEYS, *outputs) if products else None
    )


def _status(code: str) -> pl.Expr:
    """A verdict's match status: not applicable counts as met."""
    column = pl.col(f"{code}.status")
    return pl.when(column == _NOT_APPLICABLE).then(pl.lit(MET, pl.Int8)).otherwise(column)


def _product_exprs(entry: ProductEntry, every: bool) -> list[pl.Expr]:
    """Status, unmet count, stage fit and amount high (with `every`, also low and indicative)."""
    code, spec = entry.code, entry.spec
    unmet = pl.sum_horizontal(
        (pl.col(f"{c.id}.status") == UNMET).cast(pl.Int8) for c in conjuncts(entry.ruleset.root)
    )
    fit = pl.col("stage").is_in([stage.value for stage in spec.stages])
    return [
        _status(code).alias(f"{code}.match"),
        unmet.cast(pl.Int8).alias(f"{code}.unmet"),
        fit.fill_null(value=False).alias(f"{code}.fit"),
        *(
            expr
            for expr in amount_exprs(entry.sizing, spec.amount, code)
            if every or expr.meta.output_name() == f"{code}_high"
        ),
    ]


def _key(entry: ProductEntry) -> pl.Expr:
    code = entry.code
    return rank_expr(
        pl.col(f"{code}.match"),
        pl.col(f"{code}.fit"),
        pl.col(f"{code}.unmet"),
        pl.col(f"{code}_high"),
        rate=entry.rate,
        index=entry.index,
    ).alias(f"{code}.key")


def _best_key(catalogue: MatchCatalogue, layer: Layer) -> pl.Expr:
    keys = (pl.col(f"{entry.code}.key") for entry in catalogue.layer(layer))
    return pl.min_horizontal(keys).alias(f"__{layer}.key")


def _layer_exprs(catalogue: MatchCatalogue, layer: Layer) -> list[pl.Expr]:
    """The layer's best product (its key's index), status, amount, and status counts."""
    entries = catalogue.layer(layer)
    if not entries:
        return []
    best = pl.col(f"__{layer}.key")
    index = key_index(best)
    amount: pl.Expr = pl.lit(None, pl.Int64)
    for entry in entries:
        chosen = best == pl.col(f"{entry.code}.key")
        amount = pl.when(chosen).then(pl.col(f"{entry.code}_high")).otherwise(amount)
    codes = [entry.code for entry in catalogue.products]
    counted = {"met": MET, "review": REVIEW, "unknown": UNKNOWN}
    return [
        index.replace_strict(
            [e.index for e in catalogue.products], codes, return_dtype=pl.Enum(codes)
        ).alias(f"{layer}.best"),
        status_of_key(best).alias(f"{layer}.status"),
        amount.alias(f"{layer}.amount_high"),
        *(
            pl.sum_horizontal((pl.col(f"{e.code}.match") == value).cast(pl.UInt16) for e in entries)
            .cast(pl.UInt16)
            .alias(f"{layer}.{name}")
            for name, value in counted.items()
        ),
    ]


def _policy_exprs(entry: PolicyEntry) -> list[pl.Expr]:
    code, spec = entry.code, entry.spec
    status = _status(code)
    automatic = pl.lit(spec.mode is PolicyMode.AUTOMATIC) & (status == MET)
    listed = (
        pl.when(automatic)
        .then(pl.lit(PolicyList.AUTOMATIC.value))
        .when(status != UNMET)
        .then(pl.lit(PolicyList.APPLY.value))
        .otherwise(pl.lit(PolicyList.NONE.value))
    )
    benefit = (
        pl.lit(None, pl.Int64)
        if entry.sizing is None or spec.amount is None
        else amount_exprs(entry.sizing, spec.amount, code)[1]
    )
    return [
        status.alias(f"{code}.status"),
        listed.cast(POLICY_LIST).alias(f"{code}.list"),
        benefit.alias(f"{code}.benefit_high"),
    ]


def _policy_columns(entry: PolicyEntry) -> list[pl.Expr]:
    return [pl.col(f"{entry.code}{part}") for part in (".status", ".list", ".benefit_high")]


def _reach(collected: pl.DataFrame, catalogue: MatchCatalogue) -> pl.DataFrame:
    """Firms and Σ amount high per product, stage and status (one group-by over stages)."""
    cells = []
    for entry in catalogue.products:
        match, high = pl.col(f"{entry.code}.match"), pl.col(f"{entry.code}_high")
        cells += [
            pl.struct(
                (match == code).sum().cast(pl.Int64).alias("firms"),
                high.filter(match == code).sum().cast(pl.Int64).alias("amount_high"),
            ).alias(f"{entry.code}|{code}")
            for code in STATUS_NAMES
        ]
    cell = pl.col("cell").str.split_exact("|", 1).struct.rename_fields(["product", "status"])
    return (
        collected.group_by("stage")
        .agg(cells)
        .unpivot(index="stage", variable_name="cell")
        .with_columns(cell)
        .unnest("cell", "value")
        .select("product", "stage", pl.col("status").cast(pl.Int8), "firms", "amount_high")
        .filter(pl.col("firms") > 0)
    )


def layer_summary(layers: pl.DataFrame) -> pl.DataFrame:
    """Per stage × layer: firms, firms with a met product (`eligible`), with a met or reviewed
    one (`possible`), and Σ of the eligible firms' best amount (`amount_available`, fen)."""
    rows = []
    for layer in Layer:
        if f"{layer}.best" not in layers.columns:
            continue
        met, review = pl.col(f"{layer}.met"), pl.col(f"{layer}.review")
        best = pl.col(f"{layer}.amount_high").filter(met > 0)
        rows.append(
            layers.group_by("stage").agg(
                pl.lit(layer.value).alias("layer"),
                pl.len().alias("firms"),
                (met > 0).sum().alias("eligible"),
                ((met + review) > 0).sum().alias("possible"),
                best.sum().cast(pl.Int64).alias("amount_available"),
            )
        )
    return pl.concat(rows).sort("stage", "layer", nulls_last=True)


def policy_lists(policies: pl.DataFrame, catalogue: MatchCatalogue) -> pl.DataFrame:
    """Per policy: firms in each list (automatic, apply, none) and Σ benefit of those listed."""
    rows = []
    for entry in catalogue.policies:
        listed, benefit = pl.col(f"{entry.code}.list"), pl.col(f"{entry.code}.benefit_high")
        rows.append(
            policies.group_by(listed.alias("list")).agg(
                pl.lit(entry.code).alias("policy"),
                pl.len().alias("firms"),
                benefit.sum().cast(pl.Int64).alias("benefit_high"),
            )
        )
    return pl.concat(rows).select("policy", "list", "firms", "benefit_high").sort("policy", "list")
