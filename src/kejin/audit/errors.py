"""Audit errors."""

from __future__ import annotations

from kejin.core.errors import KejinError


class AuditError(KejinError):
    """Base of the audit log's errors."""


class UnsafeAuditDetail(AuditError):
    """A caller tried to log a detail that may hold a secret or is not plain JSON: a bug in the
    caller, never the user's fault, hence a server error."""

    status = 500
    code = "unsafe-audit-detail"
