"""Lending use cases other domains call: one enterprise's loan records."""

from __future__ import annotations

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
