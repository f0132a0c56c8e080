"""Optimistic locking over HTTP: a versioned record's ETag is its version (`"3"`), and a write
names the version it changes in `If-Match` — 428 without one, 422 for a tag that names no single
version; the use case answers 412 when the record moved on."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from kejin.core.errors import FieldProblem, InvalidInput, PreconditionRequired
from kejin.core.i18n import N_

IfMatch = Annotated[str | None, Header(alias="If-Match", description='the ETag read, e.g. "3"')]
NEEDS_VERSION = N_("Send If-Match with the ETag of the version you edit")
BAD_TAG = N_('If-Match must be the ETag of one version, e.g. "3"')


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int:
    """The version an `If-Match` header names (a strong or weak tag of one version)."""
    if if_match is None:
        raise PreconditionRequired(NEEDS_VERSION, field="If-Match")
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        problem = FieldProblem("If-Match", BAD_TAG)
        raise InvalidInput("Invalid input", problems=[problem], field="If-Match")
    return int(tag)
