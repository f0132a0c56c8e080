"""Reading the demo region's loan history as a training table: plain SQL into Polars frames
(one query per table, no ORM objects), then `features.loan_features`. The same queries, kept
to one enterprise, give its signals on a scoring day (a loan starting that day), so a model
scores exactly what it was trained on; unfiltered, every enterprise's signals on a day (the
population that monitoring compares with the training data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Connection, text

from kejin.assessment import store
from kejin.credit.features import FEATURE_SETS, TARGET, loan_features

_QUERIES = {
    "loans": "SELECT l.id AS loan_id, l.enterprise_id, l.start_on, e.founded_on, l.defaulted "
    "FROM loans l JOIN enterprises e ON e.id = l.enterprise_id",
    "financials": "SELECT enterprise_id, year, revenue, rd_expense, total_assets, "
    "total_liabilities, net_profit FROM financial_years",
    "staff": "SELECT enterprise_id, year, total, tech FROM staff_years",
    "patents": "SELECT enterprise_id, granted_on, expires_on FROM ip_assets "
    "WHERE ip_type = 'invention_patent' AND granted_on IS NOT NULL",
    "certificates": "SELECT enterprise_id, valid_from, valid_to FROM certifications "
    "WHERE kind = 'high_tech'",
    "funding": "SELECT enterprise_id, closed_on FROM funding_rounds",
    "flags": "SELECT enterprise_id, occurred_on FROM compliance_flags",
}
_DATES = (
    "start_on",
    "founded_on",
    "granted_on",
    "expires_on",
    "valid_from",
    "valid_to",
    "closed_on",
    "occurred_on",
)


def region_table(conn: Connection) -> pl.DataFrame:
    """One row per stored loan with its borrower's signals at the start and `defaulted`."""
    frames = {name: _read(conn, sql) for name, sql in _QUERIES.items()}
    return loan_features({**frames, "assessment": _assessment(conn)})


def enterprise_signals(conn: Connection, enterprise_id: int, on: dt.date) -> dict[str, Any]:
    """One enterprise's signals of `FEATURE_SETS["tech"]` as those of a loan starting `on`
    (the training table's definitions; None where a signal is unknown, all None before the
    enterprise was founded)."""
    rows = _signals_on(conn, on, enterprise_id).to_dicts()
    return {name: rows[0][name] if rows else None for name in FEATURE_SETS["tech"]}


def registry_signals(conn: Connection, on: dt.date) -> pl.DataFrame:
    """Every enterprise founded by `on`, one row each: `enterprise_id` and its signals of
    `FEATURE_SETS["tech"]` as those of a loan starting `on` — `enterprise_signals` for the
    whole registry in one pass (the population a model in service scores that day)."""
    return _signals_on(conn, on, None)


def _signals_on(conn: Connection, on: dt.date, enterprise_id: int | None) -> pl.DataFrame:
    """The training table's derivation on one synthetic loan per enterprise (its id as the
    loan's) starting `on`: every enterprise founded by then, or only `enterprise_id`."""
    where, params = "", {}
    if enterprise_id is not None:
        where, params = "WHERE q.enterprise_id = :firm", {"firm": enterprise_id}
    firms = _read(
        conn,
        f"SELECT * FROM (SELECT id AS enterprise_id, founded_on FROM enterprises) q {where}",
        params,
    )
    loans = firms.filter(pl.col("founded_on") <= on).select(
        pl.col("enterprise_id").alias("loan_id"),
        "enterprise_id",
        pl.lit(on, pl.Date).alias("start_on"),
        "founded_on",
        pl.lit(False).alias(TARGET),
    )
    frames = {
        name: _read(conn, f"SELECT * FROM ({sql}) q {where}", params)
        for name, sql in _QUERIES.items()
        if name != "loans"
    }
    assessed = _assessment(conn, enterprise_id)
    table = loan_features({**frames, "loans": loans, "assessment": assessed})
    return table.select("enterprise_id", *FEATURE_SETS["tech"])


def _read(conn: Connection, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
    frame = pl.read_database(
        text(sql), conn, execute_options={"parameters": params or {}}, infer_schema_length=None
    )
    dates = [c for c in frame.columns if c in _DATES]
    # SQLite hands dates over as ISO text, PostgreSQL as dates
    frame = frame.with_columns(
        pl.col(c).str.to_date() if frame.schema[c] == pl.String else pl.col(c).cast(pl.Date)
        for c in dates
    )
    if "defaulted" in frame.columns:
        frame = frame.with_columns(pl.col("defaulted").cast(pl.Boolean))
    numeric = [c for c in frame.columns if c not in (*_DATES, "defaulted")]
    return frame.with_columns(pl.col(c).cast(pl.Float64) for c in numeric).with_columns(
        pl.col(c).cast(pl.Int64) for c in ("loan_id", "enterprise_id", "year") if c in frame.columns
    )


def _assessment(conn: Connection, enterprise_id: int | None = None) -> pl.DataFrame:
    """Stage and innovation points per enterprise (or of `enterprise_id` alone) from the
    newest finished run (nulls without a run)."""
    empty = pl.DataFrame(
        schema={"enterprise_id": pl.Int64, "stage": pl.String, "innovation_points": pl.Float64}
    )
    run = conn.execute(
        text(
            "SELECT id FROM assessment_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
    ).first()
    if run is None:
        return empty
    stored = store.read_results(conn, run.id, [], enterprise_id)
    return stored.select(
        pl.col("enterprise_id").cast(pl.Int64),
        pl.col("stage").cast(pl.String),
        pl.col("innovation_points").cast(pl.Float64),
    )
