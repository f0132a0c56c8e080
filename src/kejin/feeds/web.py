"""Reported values on the enterprise detail page: the card's data, for those who may see it."""

from __future__ import annotations

from starlette.requests import Request

from kejin.bootstrap import Platform
from kejin.feeds import service
from kejin.feeds.model import REPORTED_VALUE_READERS
from kejin.feeds.schemas import ReportedValuesRead
from kejin.web.auth import current_principal
from kejin.web.policy import AccessRule, Decision

READ_REPORTED = AccessRule(roles=frozenset(REPORTED_VALUE_READERS))


def reported_card(request: Request, platform: Platform, uscc: str) -> ReportedValuesRead | None:
    """Every source's value of the enterprise's reported fields, or None for a visitor the
    policy does not let read them (the card is then left out)."""
    if READ_REPORTED.decide(current_principal(request)) is not Decision.ALLOW:
        return None
    return service.reported_values(platform.uow, uscc)
