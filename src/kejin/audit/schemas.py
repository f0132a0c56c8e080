"""Audit read contracts (pydantic): viewer filters, one entry, a page of entries and a
verification report."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kejin.audit.model import AuditEntry, VerifyReport, as_utc
from kejin.core.errors import FieldProblem, InvalidInput
from kejin.core.pagination import Page

ENTRY_FIELDS = ("actor", "action", "subject_type", "subject_id")


class AuditFilters(BaseModel):
    """Query of the audit viewer; empty form fields count as absent, days are UTC and inclusive."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    actor: str | None = Field(None, max_length=120, description="login or system job")
    action: str | None = Field(None, max_length=64, description="e.g. consent.grant")
    subject_type: str | None = Field(None, max_length=64, description="e.g. enterprise")
    subject_id: str | None = Field(None, max_length=64)
    since: date | None = Field(None, description="first day (UTC), inclusive")
    until: date | None = Field(None, description="last day (UTC), inclusive")

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _days_in_order(self) -> AuditFilters:
        if self.since and self.until and self.since > self.until:
            problem = FieldProblem("until", "must not be before the first day")
            raise InvalidInput("the date range is reversed", [problem])
        return self

    def criteria(self) -> dict[str, Any]:
        """Keyword filters for `service.search`: a half-open UTC window over the chosen days."""
        since = datetime.combine(self.since, time()) if self.since else None
        until = datetime.combine(self.until + timedelta(days=1), time()) if self.until else None
        fields = {name: getattr(self, name) for name in ENTRY_FIELDS}
        return {**fields, "since": since, "until": until}


class AuditEntryRead(BaseModel):
    """One entry as stored, with its chain links."""

    seq: int
    recorded_at: datetime
    actor_id: int | None
    actor: str
    action: str
    subject_type: str
    subject_id: str
    purpose: str | None
    detail: dict[str, Any]
    prev_hash: str
    entry_hash: str

    @field_validator("recorded_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return as_utc(value)

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryRead:
        return cls.model_validate(entry, from_attributes=True)


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    total: int
    page: int
    size: int
    pages: int

    @classmethod
    def of(cls, page: Page[AuditEntry]) -> AuditPage:
        items = [AuditEntryRead.of(entry) for entry in page.items]
        return cls(items=items, total=page.total, page=page.page, size=page.size, pages=page.pages)


class VerifyRead(BaseModel):
    """Whether the chain is intact; on failure, the first bad entry and why."""

    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str | None
    head_seq: int
    head_hash: str

    @classmethod
    def of(cls, report: VerifyReport) -> VerifyRead:
        return cls.model_validate(report, from_attributes=True)
