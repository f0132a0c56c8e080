"""Audit errors."""

from __future__ import annotations


class UnsafeAuditDetail(ValueError):
    """A caller tried to log a detail that may hold a secret or is not plain JSON.

    Deliberately outside the `KejinError` family: it is always a bug in the calling service,
    never the user's doing, so the web layer treats it as an unexpected error (logged, answered
    with a generic 500 that reveals nothing). The message names the key, never its value."""
