"""Consent errors, all in the Kejin error family."""

from __future__ import annotations

from kejin.core.errors import NotFound, PermissionDenied


class AccessRefused(PermissionDenied):
    """A read outside every live grant; the refusal is already in the audit log."""

    code = "consent-required"


class GrantNotFound(NotFound):
    pass


class InstitutionNotFound(NotFound):
    pass
