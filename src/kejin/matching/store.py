"""Writing a match run's rows in bulk and reading them back: per firm and layer the best
product (`match_layer_results`), per product its reach (`product_reach`), per policy the firms
it lists (`policy_matches`), pruning all but the newest runs.

Frames come from `batch.match_frame` (statuses as `blocks.CODES`, amounts in fen) and are
turned into storage values here: status names, `"none"` for a reach row without a stage.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, delete, select
from sqlalchemy.orm import Session

from kejin.core.bulk import delete_partitions, insert_frame, partition_loader
from kejin.matching.batch import STATUS_NAMES, MatchFrames, layer_summary, policy_lists
from kejin.matching.catalogue import MatchCatalogue
from kejin.matching.model import PolicyList
from kejin.matching.orm import MatchLayerResultRow, MatchRunRow, PolicyMatchRow, ProductReachRow
from kejin.products.model import Layer

NO_STAGE = "none"
_LAYERS: Table = MatchLayerResultRow.__table__  # type: ignore[assignment]
_POLICIES: Table = PolicyMatchRow.__table__  # type: ignore[assignment]
_REACH: Table = ProductReachRow.__table__  # type: ignore[assignment]
# The cell index's columns after the run: layer rows copied in this order build it in 3.6 s
# instead of 9.0 (a million firms, PostgreSQL; the primary key then takes 0.9 s longer).
CELL_ORDER = ("layer", "stage")


def _status(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(STATUS_NAMES, return_dtype=pl.String)


def layer_rows(run_id: int, frames: MatchFrames, clusters: pl.DataFrame) -> pl.DataFrame:
    """`match_layer_results` rows: one per firm and layer of the catalogue (`clusters` holds
    each `enterprise_id`'s cluster)."""
    layers = frames.layers.join(clusters, on="enterprise_id", how="left", maintain_order="left")
    parts = [
        layers.select(
            pl.lit(run_id, pl.Int64).alias("run_id"),
            "enterprise_id",
            pl.lit(layer.value).alias("layer"),
            pl.col("stage").cast(pl.String),
            "cluster",
            pl.col(f"{layer}.met").cast(pl.Int64).alias("met"),
            pl.col(f"{layer}.review").cast(pl.Int64).alias("review"),
            pl.col(f"{layer}.unknown").cast(pl.Int64).alias("unknown"),
            pl.col(f"{layer}.best").cast(pl.String).alias("best_product"),
            _status(f"{layer}.status").alias("status"),
            pl.col(f"{layer}.amount_high").alias("amount_high"),
        )
        for layer in Layer
        if f"{layer}.best" in layers.columns
    ]
    return pl.concat(parts) if parts else pl.DataFrame()


def reach_rows(run_id: int, frames: MatchFrames) -> pl.DataFrame:
    return frames.reach.select(
        pl.lit(run_id, pl.Int64).alias("run_id"),
        pl.col("product").cast(pl.String),
        pl.col("stage").cast(pl.String).fill_null(NO_STAGE),
        _status("status").alias("status"),
        "firms",
        pl.col("amount_high").alias("amount_high_sum"),
    )


def policy_rows(run_id: int, frames: MatchFrames, catalogue: MatchCatalogue) -> pl.DataFrame:
    """`policy_matches` rows: the firms each policy lists (automatic or apply)."""
    listed = [PolicyList.AUTOMATIC.value, PolicyList.APPLY.value]
    parts = [
        frames.policies.filter(pl.col(f"{entry.code}.list").cast(pl.String).is_in(listed)).select(
            pl.lit(run_id, pl.Int64).alias("run_id"),
            pl.lit(entry.code).alias("policy"),
            "enterprise_id",
            _status(f"{entry.code}.status").alias("status"),
            pl.col(f"{entry.code}.list").cast(pl.String).alias("list"),
            pl.col(f"{entry.code}.benefit_high").alias("benefit_high"),
        )
        for entry in catalogue.policies
    ]
    return pl.concat(parts) if parts else pl.DataFrame()


def summary_of(frames: MatchFrames, catalogue: MatchCatalogue) -> dict[str, Any]:
    """The region's cells of a run: per stage × layer, and per policy × list."""
    return {
        "layers": layer_summary(frames.layers).to_dicts() if catalogue.products else [],
        "policies": policy_lists(frames.policies, catalogue).to_dicts()
        if catalogue.policies
        else [],
    }


def store_rows(
    conn: Connection,
    run_id: int,
    frames: MatchFrames,
    catalogue: MatchCatalogue,
    clusters: pl.DataFrame,
) -> None:
    """Write a run's derived rows in bulk (on PostgreSQL each table of rows per firm gets the
    run's partition: `kejin.core.bulk.partition_loader`)."""
    by_firm = (
        (_LAYERS, layer_rows(run_id, frames, clusters), CELL_ORDER),
        (_POLICIES, policy_rows(run_id, frames, catalogue), ()),
    )
    for table, rows, order in by_firm:
        with partition_loader(conn, table, "run_id", run_id, order) as write:
            write(rows)
    insert_frame(conn, _REACH, reach_rows(run_id, frames))


def prune(session: Session, keep: int) -> None:
    """Drop the rows of all but the newest `keep` runs (on PostgreSQL, the partitions of the
    tables of rows per firm); run rows stay."""
    kept = select(MatchRunRow.id).order_by(MatchRunRow.id.desc()).limit(keep)
    old = session.scalars(select(MatchRunRow.id).where(MatchRunRow.id.not_in(kept))).all()
    if not old:
        return
    for table in (_LAYERS, _POLICIES):
        delete_partitions(session.connection(), table, "run_id", old)
    session.execute(delete(ProductReachRow).where(ProductReachRow.run_id.in_(old)))


def latest_run(session: Session) -> MatchRunRow | None:
    return session.scalars(
        select(MatchRunRow)
        .where(MatchRunRow.finished_at.is_not(None))
        .order_by(MatchRunRow.id.desc())
        .limit(1)
    ).first()
