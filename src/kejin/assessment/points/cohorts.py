"""Innovation points (创新积分), computed in passes that work partition by partition.

Pass 1, `cohort_table(partition, config)`: for each cohort (region × cluster × life-cycle stage)
and indicator, how many firms fall in each bucket of the indicator's fixed grid (bucket null: the
measure is missing). Tables of partitions merge exactly by adding counts (`merge_cohorts`).
Pass 2, `innovation_points(partition, merged, config)`: each firm's mid-rank percentile per
indicator within its cohort, read from the merged histograms, the weighted points 0–1000 and the
indicators that gave most. Both passes are row-local given the merged table, so any split into
partitions gives the same answers as one frame. Ranking is pass 3, in `rank`.

Both passes take a snapshot frame or its `bucketed` form (stage and buckets computed once).
`enterprise_points.points_for` scores one snapshot against the same table in plain Python.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import polars as pl

from kejin.assessment.inputs.frames import KEY_SCHEMA
from kejin.assessment.points.bucketed import Bucketed, bucket_column, counted, prepared
from kejin.assessment.points.config import PointsConfig
from kejin.assessment.points.stage import STAGE_ENUM

COHORT_KEYS = ("region", "cluster", "stage")
COHORT_SCHEMA: dict[str, pl.DataType] = {
    "config_version": pl.String(),
    "region": pl.String(),
    "cluster": pl.String(),
    "stage": STAGE_ENUM,
    "indicator": pl.String(),
    "bucket": pl.Int64(),  # null: the measure is missing (ranked below every known value)
    "count": pl.Int64(),
}
TOP_INDICATORS = 3
_BUCKET_OFFSET = 1 << 31  # buckets are shifted into 1 … 2^32 − 1 inside the lookup keys; 0 = null


def pct_column(indicator_id: str) -> str:
    """The output column of an indicator's percentile."""
    return f"{indicator_id}.pct"


# --- pass 1 -----------------------------------------------------------------------------------


def cohort_table(frame: pl.DataFrame | Bucketed, config: PointsConfig) -> pl.DataFrame:
    """Bucket counts per cohort and indicator of a snapshot frame (or a partition of one).

    Firms without a stage belong to no cohort and are not counted. The table is sorted, so
    `merge_cohorts` of the partitions' tables equals the table of the whole frame.
    """
    firms = prepared(frame, config).filter(pl.col("stage").is_not_null())
    cohorts = firms.select(*COHORT_KEYS).unique()
    cohorts = cohorts[_order(cohorts, COHORT_KEYS)].with_row_index("_cohort")
    cohort = firms.join(
        cohorts, on=COHORT_KEYS, how="left", nulls_equal=True, maintain_order="left"
    )["_cohort"].to_numpy()
    # one integer key per firm and indicator, cohort-major and indicators by name, so the
    # counted keys come out of one sort already in the table's canonical order
    by_name = sorted(config.indicators, key=lambda indicator: indicator.id)
    keys = np.concatenate(
        [
            _keys(cohort, np.full(firms.height, number), counted(firms, indicator), len(by_name))
            for number, indicator in enumerate(by_name)
        ]
    )
    cells, counts = np.unique(keys, return_counts=True)
    group, shifted = cells >> 32, cells & 0xFFFFFFFF
    names = pl.Series([indicator.id for indicator in by_name])
    table = cohorts[group // len(by_name)].select(
        *COHORT_KEYS,
        config_version=pl.lit(config.version),
        indicator=names.gather(group % len(by_name)),
        bucket=pl.when(pl.Series(shifted) > 0).then(pl.Series(shifted) - _BUCKET_OFFSET),
        count=pl.Series(counts),
    )
    return table.select(pl.col(name).cast(dtype) for name, dtype in COHORT_SCHEMA.items())


def merge_cohorts(tables: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """The cohort table of the union of the partitions whose tables are given."""
    return merge_counts(tables, COHORT_SCHEMA)


def merge_counts(tables: Iterable[pl.DataFrame], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Counts of equal keys added up, in the canonical order (nulls first).

    The tables are added one at a time to a running sum, so however many partitions there are
    (and `tables` may be a generator building them), no more than the sum and one table are
    held at once — never all tables concatenated.
    """
    keys = [name for name in schema if name != "count"]
    total = pl.DataFrame(schema=schema)
    for table in tables:
        typed = table.select(pl.col(name).cast(dtype) for name, dtype in schema.items())
        total = pl.concat([total, typed]).group_by(keys).agg(pl.col("count").sum())
    return _canonical(total, schema)


def _canonical(table: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """The table in `schema`'s columns and types, sorted by its keys with nulls first.

    The last key is an integer within ±2^31 (a bucket, or points); the keys before it take few
    distinct values, so they are sorted once as distinct cells and the rows by one integer
    key (cell, last key) — several times faster than a sort on every key of every row."""
    typed = table.select(pl.col(name).cast(dtype) for name, dtype in schema.items())
    *cell_keys, last = [name for name in schema if name != "count"]
    cells = typed.select(cell_keys).unique()
    cells = cells[_order(cells, cell_keys)].with_row_index("_cell")
    cell = typed.join(cells, on=cell_keys, how="left", nulls_equal=True, maintain_order="left")
    keys = _keys(cell["_cell"].to_numpy(), np.zeros(typed.height, dtype=np.int64), typed[last], 1)
    return typed[np.argsort(keys, kind="stable")]


def _order(frame: pl.DataFrame, keys: Iterable[str]) -> np.ndarray:
    """The row order sorting `frame` by `keys` with nulls first."""
    return np.lexsort([_sort_codes(frame[name]) for name in reversed(list(keys))])


def _sort_codes(column: pl.Series) -> np.ndarray:
    """Integers that sort like the column (nulls first)."""
    if column.dtype == pl.String:
        values = column.drop_nulls().unique().sort()
        column = column.replace_strict(values, pl.Series(range(len(values))), default=None)
    elif isinstance(column.dtype, pl.Enum):
        column = column.to_physical()
    return np.asarray(column.cast(pl.Int64).fill_null(np.iinfo(np.int64).min).to_numpy())


# --- pass 2 -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class CohortIndex:
    """A merged cohort table as sorted integer keys with counts and counts below, for NumPy.

    `config_version` names the configuration the table was built with."""

    config_version: str
    own: pl.DataFrame  # region, cluster, stage → _own_id, _own_size
    pooled: pl.DataFrame  # region, stage → _pooled_id, _pooled_size
    cohorts: int
    keys: np.ndarray  # ((indicator · cohorts + cohort id) << 32) + shifted bucket, ascending
    counts: np.ndarray
    below: np.ndarray  # counts before each key (exclusive running sum), with the total last
    starts: np.ndarray  # where each (indicator, cohort) group of keys starts, with the end last


def cohort_index(table: pl.DataFrame, config: PointsConfig) -> CohortIndex:
    """The merged cohort table prepared for pass 2; build it once and share it among
    partitions (it is read-only)."""
    versions = set(table["config_version"].unique().to_list())
    if versions - {config.version}:
        raise ValueError(f"cohort table of configuration {versions}, not {config.version}")
    pooled_rows = table.group_by("region", "stage", "indicator", "bucket").agg(
        pl.col("count").sum()
    )
    first = config.indicators[0].id
    own = _sizes(
        table.filter(pl.col("indicator") == first), ["region", "cluster", "stage"], "_own", 0
    )
    pooled = _sizes(
        pooled_rows.filter(pl.col("indicator") == first), ["region", "stage"], "_pooled", own.height
    )
    cohorts = own.height + pooled.height
    index = {indicator.id: number for number, indicator in enumerate(config.indicators)}
    rows = pl.concat(
        [
            table.join(own, on=["region", "cluster", "stage"], nulls_equal=True).select(
                "indicator", "bucket", "count", cohort=pl.col("_own_id")
            ),
            pooled_rows.join(pooled, on=["region", "stage"], nulls_equal=True).select(
                "indicator", "bucket", "count", cohort=pl.col("_pooled_id")
            ),
        ]
    ).with_columns(_number=pl.col("indicator").replace_strict(index, return_dtype=pl.Int64))
    keys = _keys(rows["_number"].to_numpy(), rows["cohort"].to_numpy(), rows["bucket"], cohorts)
    order = np.argsort(keys, kind="stable")
    counts = rows["count"].to_numpy()[order]
    below = np.concatenate(([0], np.cumsum(counts)))
    groups = np.arange(len(config.indicators) * cohorts + 1, dtype=np.int64) << 32
    starts = np.searchsorted(keys[order], groups, side="left")
    return CohortIndex(config.version, own, pooled, cohorts, keys[order], counts, below, starts)


def _sizes(rows: pl.DataFrame, keys: list[str], prefix: str, start: int) -> pl.DataFrame:
    sizes = rows.group_by(keys).agg(pl.col("count").sum().alias(f"{prefix}_size")).sort(keys)
    return sizes.with_row_index(f"{prefix}_id", offset=start).with_columns(
        pl.col(f"{prefix}_id").cast(pl.Int64)
    )


def _keys(major: np.ndarray, minor: np.ndarray, bucket: pl.Series, minors: int) -> np.ndarray:
    """Lookup keys ((major · minors + minor) << 32) + shifted bucket, which sort like the
    triples (major, minor, bucket) with a null bucket first."""
    shifted = (bucket.cast(pl.Int64) + _BUCKET_OFFSET).fill_null(0).to_numpy()
    group = major.astype(np.int64) * minors + minor.astype(np.int64)
    return np.asarray((group << 32) + shifted, dtype=np.int64)


def innovation_points(
    frame: pl.DataFrame | Bucketed, cohorts: pl.DataFrame | CohortIndex, config: PointsConfig
) -> pl.DataFrame:
    """Points of each firm of `frame` (a partition or a whole frame, or its `bucketed` form)
    against merged cohorts.

    Columns: the key columns, `stage`, `stage_basis`, `stage_rule`, `points_stage`,
    `cohort_size`, `cohort_pooled`, `innovation_points` (Int64, 0–1000; null without a stage or
    a cohort), `top_indicators`, `top_contributions`, `missing_indicators`, `<indicator>.pct`.
    """
    lookup = cohorts if isinstance(cohorts, CohortIndex) else cohort_index(cohorts, config)
    if lookup.config_version != config.version:
        raise ValueError(
            f"cohort index of configuration {lookup.config_version}, not {config.version}"
        )
    staged = _with_cohort(prepared(frame, config), lookup, config)
    cohort = staged["_cohort"].fill_null(-1).to_numpy()
    size = staged["cohort_size"].fill_null(0).to_numpy()
    scored = cohort >= 0
    twice_rank, outranks = _twice_ranks(staged, cohort, lookup, config)
    weights = np.asarray(config.weight_matrix(), dtype=np.int64)
    weighted = weights[staged["_points_stage"].fill_null(0).to_numpy()] * twice_rank.T
    twice_size = np.maximum(2 * size, 1)
    points = (weighted.sum(axis=1) + size) // twice_size  # round half up of Σ w·pct
    return staged.select(
        *KEY_SCHEMA,
        "stage",
        "stage_basis",
        "stage_rule",
        "points_stage",
        "cohort_size",
        "cohort_pooled",
        innovation_points=pl.when(pl.Series(scored)).then(pl.Series(points)),
        **_top_lists(np.where(outranks.T, weighted, 0), twice_size, scored, config),
        missing_indicators=_missing_list(staged, config),
        **{
            pct_column(indicator.id): pl.when(pl.Series(scored)).then(
                pl.Series(100 * twice_rank[number]) / pl.Series(twice_size)
            )
            for number, indicator in enumerate(config.indicators)
        },
    )


def _twice_ranks(
    staged: pl.DataFrame, cohort: np.ndarray, lookup: CohortIndex, config: PointsConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Per indicator (rows) and firm (columns): twice the mid-rank in the cohort, an exact
    integer (0 for a missing measure and for firms without a cohort), and whether the firm
    stands above some firm of its cohort."""
    rows = np.flatnonzero(cohort >= 0)
    # firms looked up cohort by cohort search the same few keys in turn, in the CPU cache
    rows = rows[np.argsort(cohort[rows], kind="stable")]
    twice_rank = np.zeros((len(config.indicators), len(cohort)), dtype=np.int64)
    outranks = np.zeros_like(twice_rank, dtype=bool)
    for number, indicator in enumerate(config.indicators):
        bucket = counted(staged, indicator)[rows]
        below, equal = _ranks(lookup, number, cohort[rows], bucket)
        known = bucket.is_not_null().to_numpy()
        twice_rank[number, rows] = np.where(known, 2 * below + equal, 0)
        outranks[number, rows] = below > 0
    return twice_rank, outranks


def _with_cohort(staged: pl.DataFrame, lookup: CohortIndex, config: PointsConfig) -> pl.DataFrame:
    """Each firm's cohort: its cluster's, or the region × stage pool when that is too small."""
    stage_ids = [points_stage.id for points_stage in config.points_stages]
    by_stage = {stage.value: points_stage for stage, points_stage in config.stage_map.items()}
    codes = {stage: stage_ids.index(points_stage) for stage, points_stage in by_stage.items()}
    stage = pl.col("stage").cast(pl.String)
    pooled = (
        pl.when(pl.col("_own_size") >= config.min_cohort_size)
        .then(pl.lit(False))
        .when(pl.col("_pooled_id").is_not_null())
        .then(pl.lit(True))
    )
    return (
        staged.join(lookup.own, on=COHORT_KEYS, how="left", nulls_equal=True, maintain_order="left")
        .join(
            lookup.pooled,
            on=["region", "stage"],
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
        .with_columns(
            points_stage=stage.replace_strict(by_stage, default=None),
            _points_stage=stage.replace_strict(codes, default=None, return_dtype=pl.Int64),
            cohort_pooled=pooled,
        )
        .with_columns(
            _cohort=pl.when("cohort_pooled").then("_pooled_id").otherwise("_own_id"),
            cohort_size=pl.when("cohort_pooled").then("_pooled_size").otherwise("_own_size"),
        )
    )


def _ranks(
    lookup: CohortIndex, number: int, cohort: np.ndarray, bucket: pl.Series
) -> tuple[np.ndarray, np.ndarray]:
    """Firms of the cohort in lower buckets (a missing measure is lowest) and in the same one."""
    keys = _keys(np.full(len(cohort), number), cohort, bucket, lookup.cohorts)
    group = number * lookup.cohorts + cohort
    # search only this indicator's keys: a slice small enough to stay in the CPU cache
    low, high = lookup.starts[number * lookup.cohorts], lookup.starts[(number + 1) * lookup.cohorts]
    position = low + np.searchsorted(lookup.keys[low:high], keys, side="left")
    inside = np.minimum(position, len(lookup.keys) - 1)
    equal = np.where(lookup.keys[inside] == keys, lookup.counts[inside], 0)
    return lookup.below[position] - lookup.below[lookup.starts[group]], equal


def _top_lists(
    weighted: np.ndarray, twice_size: np.ndarray, scored: np.ndarray, config: PointsConfig
) -> dict[str, pl.Series]:
    """The indicators that gave most points (ties: configuration order), with their points.
    `weighted` (≥ 0) is overwritten."""
    firms = np.arange(len(weighted))
    places = min(TOP_INDICATORS, len(config.indicators))
    numbers = np.full((len(weighted), places), -1, dtype=np.int64)
    top = np.zeros((len(weighted), places))
    for place in range(places):
        best = weighted.argmax(axis=1)  # the first of equal ones: configuration order
        points = weighted[firms, best]
        weighted[firms, best] = -1
        numbers[:, place] = np.where(points > 0, best, -1)
        top[:, place] = points / twice_size
    given = np.where(scored, (numbers >= 0).sum(axis=1), -1)  # the positive ones come first
    contributions = pl.Series(top).cast(pl.List(pl.Float64))
    return {
        "top_indicators": _prefix(_top_names(numbers, config), given),
        "top_contributions": _prefix(contributions, given),
    }


def _top_names(numbers: np.ndarray, config: PointsConfig) -> pl.Series:
    """Per row, the ids of the indicators numbered in `numbers` (−1: none), in column order."""
    ids = [indicator.id for indicator in config.indicators]
    rows = pl.DataFrame(numbers, schema=[f"place_{place}" for place in range(numbers.shape[1])])
    return _spelled(rows, lambda row: [ids[number] for number in row if number >= 0])


def _missing_list(staged: pl.DataFrame, config: PointsConfig) -> pl.Series:
    """The indicators whose measure is missing, in configuration order."""
    ids = [indicator.id for indicator in config.indicators]
    missing = staged.select(pl.col(bucket_column(name)).is_null() for name in ids)
    return _spelled(
        missing, lambda row: [name for name, gone in zip(ids, row, strict=True) if gone]
    )


def _spelled(rows: pl.DataFrame, spell: Callable[[tuple[Any, ...]], list[str]]) -> pl.Series:
    """`spell` of each row, as a list column. Rows repeat a lot, so each distinct row is
    spelled once and joined back."""
    distinct = rows.unique()
    spelled = distinct.with_columns(
        _spelled=pl.Series([spell(row) for row in distinct.iter_rows()], dtype=pl.List(pl.String))
    )
    return rows.join(spelled, on=rows.columns, how="left", maintain_order="left")["_spelled"]


def _prefix(lists: pl.Series, length: np.ndarray) -> pl.Series:
    """The first `length` items of each list; null where `length` is negative."""
    frame = pl.DataFrame({"lists": lists, "length": length})
    head = pl.col("lists").list.head(pl.col("length"))
    return frame.select(pl.when(pl.col("length") >= 0).then(head)).to_series()
