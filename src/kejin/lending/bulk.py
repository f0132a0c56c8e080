"""Bulk replacement of a source's loan history (贷款记录) from a Polars frame keyed by `uscc`."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, delete, select

from kejin.core.bulk import insert_frame
from kejin.lending.orm import LoanRow
from kejin.registry.orm import EnterpriseRow


def replace_loans(conn: Connection, loans: pl.DataFrame, source: str) -> int:
    """Delete every loan of `source`, then insert `loans` (uscc → enterprise id); the row count.

    Runs inside the caller's transaction. Loans of enterprises not in the registry are an
    error, not silently dropped.
    """
    conn.execute(delete(LoanRow).where(LoanRow.source == source))
    codes = loans["uscc"].unique()
    ids = pl.DataFrame(
        conn.execute(select(EnterpriseRow.uscc, EnterpriseRow.id)).all(),
        schema={"uscc": pl.Utf8, "enterprise_id": pl.Int64},
        orient="row",
    ).filter(pl.col("uscc").is_in(codes.implode()))
    missing = codes.len() - ids.height
    if missing:
        raise ValueError(f"{missing} loan borrowers are not in the registry")
    rows = loans.join(ids, on="uscc").drop("uscc").with_columns(pl.lit(source).alias("source"))
    return insert_frame(conn, LoanRow.__table__, rows)  # type: ignore[arg-type]
