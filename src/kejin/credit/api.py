"""Credit JSON API under `/api/v1`: one enterprise's credit report (consent applies), the
card of the model in service and its stored monitoring runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam

from kejin.consent.model import GrantPurpose
from kejin.credit import lending, stability
from kejin.credit.schemas import (
    CreditReportRead,
    MonitoringRunPage,
    MonitoringRunRead,
    report_read,
    run_page,
    run_read,
)
from kejin.identity.model import Principal, Role, TokenScope
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.policy import allow
from kejin.web.problems import problem_responses

ERRORS = problem_responses(401, 403, 404, 422)
router = APIRouter(prefix="/api/v1", tags=["credit"], responses=ERRORS)

BANK_STAFF = (Role.BANK_OFFICER, Role.BANK_APPROVER)
# Bank staff score a firm within its grant; the card describes the model, not a firm.
Scorer = Annotated[Principal, Depends(allow(*BANK_STAFF, scope=TokenScope.CONSENT_READ))]
CardReader = Annotated[
    Principal, Depends(allow(*BANK_STAFF, Role.PLATFORM_ADMIN, scope=TokenScope.REGISTRY_READ))
]
Uscc = Annotated[str, PathParam(description="unified social credit code", max_length=40)]


@router.get("/enterprises/{uscc}/credit")
def get_enterprise_credit(
    *,
    platform: PlatformDep,
    principal: Scorer,
    uscc: Uscc,
    purpose: Annotated[
        GrantPurpose, Query(description="why you read; must match the grant")
    ] = GrantPurpose.CREDIT_ASSESSMENT,
) -> CreditReportRead:
    """PD, score, grade T1–T10, suggested limit and price (LPR + spread), the bins behind the
    score, adverse reasons and advice. Needs a live `financials` grant for `purpose`; features
    of scopes not granted are withheld (every read and refusal is logged)."""
    report = lending.credit_report(
        platform.uow, principal, uscc, purpose.value, Path(platform.settings.data_dir)
    )
    return report_read(report)


@router.get("/credit/model")
def get_credit_model(platform: PlatformDep, principal: CardReader) -> dict[str, Any]:
    """The model card of the scorecard in service: data, discrimination, calibration, score
    distribution and every feature's binning table."""
    return lending.current_card(Path(platform.settings.data_dir))


@router.get("/credit/monitoring")
def list_monitoring_runs(
    platform: PlatformDep, principal: CardReader, page: PageDep
) -> MonitoringRunPage:
    """Stored monitoring runs of every model, newest first: the registry's as-of day, rows
    scored, score PSI and its band (< 0.1 stable, 0.1–0.25 shift, ≥ 0.25 significant)."""
    return run_page(stability.list_runs(platform.uow, page))


@router.get("/credit/monitoring/{run_id}")
def get_monitoring_run(
    platform: PlatformDep, principal: CardReader, run_id: Annotated[int, PathParam(ge=1)]
) -> MonitoringRunRead:
    """One stored run: each feature's bin shares at training and on the day with its PSI, and
    the score distribution in the card's training bands."""
    return run_read(stability.get_run(platform.uow, run_id))
