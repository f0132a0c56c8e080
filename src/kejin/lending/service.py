"""Lending use cases other domains call: one enterprise's loan records, or every loan as a
frame."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from kejin.core.uow import UnitOfWork
from kejin.lending.model import LoanRecord
from kejin.lending.orm import LoanRow


def loan_records(work: UnitOfWork, enterprise_id: int) -> list[LoanRecord]:
    """Every loan of the enterprise, oldest first, inside the caller's unit of work."""
    rows = work.session.execute(
        select(
            LoanRow.principal,
            LoanRow.annual_rate,
            LoanRow.term_months,
            LoanRow.start_on,
            LoanRow.defaulted,
            LoanRow.default_on,
        )
        .where(LoanRow.enterprise_id == enterprise_id)
        .order_by(LoanRow.start_on, LoanRow.id)
    )
    return [LoanRecord(*row) for row in rows]


def loans_frame(work: UnitOfWork) -> pl.DataFrame:
    """Every loan of the registry: `enterprise_id`, `principal` and `annual_rate` (exact
    decimals), `term_months`, `start_on`, `defaulted`,
    `default_on`; inside the caller's unit of work."""
    loan = LoanRow.__table__.c
    return pl.read_database(
        select(
            loan.enterprise_id,
            loan.principal,
            loan.annual_rate,
            loan.term_months,
            loan.start_on,
            loan.defaulted,
            loan.default_on,
        ),
        work.session.connection(),
        schema_overrides=LOAN_SCHEMA,
    )


LOAN_SCHEMA: dict[str, pl.DataType] = {
    "enterprise_id": pl.Int64(),
    "principal": pl.Decimal(38, 2),
    "annual_rate": pl.Decimal(38, 4),
    "term_months": pl.Int64(),
    "start_on": pl.Date(),
    "defaulted": pl.Boolean(),
    "default_on": pl.Date(),
}
