"""Consent contracts (pydantic): a new grant, a grant as read back, and the access history."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from kejin.consent.model import DataScope, GrantPurpose, GrantStatus


class GrantCreate(BaseModel):
    """What an enterprise admin grants: which institution, which scopes, why, until when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    institution_id: int = Field(ge=1)
    scopes: list[DataScope] = Field(max_length=len(DataScope))
    purpose: GrantPurpose
    expires_on: date = Field(description="last day the grant is live (inclusive)")


class GrantRead(BaseModel):
    id: int
    enterprise_id: int
    enterprise_uscc: str
    enterprise_name: str
    institution_id: int
    institution_name: str
    scopes: list[DataScope]
    purpose: str
    granted_at: datetime
    expires_on: date
    revoked_at: datetime | None
    status: GrantStatus


class GrantList(BaseModel):
    items: list[GrantRead]


class AccessLogEntry(BaseModel):
    """One line of an enterprise's access history: who, from which institution, what, why,
    when, and whether it was allowed."""

    recorded_at: datetime
    actor: str
    institution: str | None
    action: str
    scopes: list[DataScope]
    purpose: str | None
    outcome: str | None


class AccessLogPage(BaseModel):
    items: list[AccessLogEntry]
    total: int
    page: int
    size: int
    pages: int


class InstitutionOption(BaseModel):
    id: int
    name: str
    kind: str
