"""Catalogue errors, all in the Kejin error family."""

from __future__ import annotations

from kejin.core.errors import NotFound, PermissionDenied, PreconditionFailed


class ProductNotFound(NotFound):
    code = "product-not-found"


class PolicyNotFound(NotFound):
    code = "policy-not-found"


class ProductChanged(PreconditionFailed):
    """Someone saved the product since the editor read it: the write is refused (412 on the
    API; the form answers 409 and asks to reload)."""

    code = "product-changed"


class NotProvider(PermissionDenied):
    """Only the staff of the product's provider edit it."""

    code = "not-provider"
