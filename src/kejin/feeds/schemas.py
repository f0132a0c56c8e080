"""API shapes of reported values: each field's values by source, conflicts flagged."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class SourceValueRead(BaseModel):
    """One source's value: the registry's own (`in_registry`) or a department's latest report."""

    model_config = ConfigDict(from_attributes=True)

    source: str
    value: str
    as_of: date
    in_registry: bool


class FieldComparisonRead(BaseModel):
    """A field of one period (a year, an IP number, an event date, or "" when timeless)."""

    model_config = ConfigDict(from_attributes=True)

    field: str
    period: str
    conflict: bool
    values: list[SourceValueRead]


class ReportedValuesRead(BaseModel):
    """Every field departments reported about one enterprise."""

    uscc: str
    conflicts: int
    fields: list[FieldComparisonRead]
