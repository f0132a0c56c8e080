"""Needs errors, all in the Kejin error family."""

from __future__ import annotations

from kejin.core.errors import Conflict, NotFound, PermissionDenied


class NeedNotFound(NotFound):
    pass


class NotYourNeed(PermissionDenied):
    """The need, offer or step belongs to another enterprise, or needs an enterprise admin."""


class NotEligibleProvider(PermissionDenied):
    """The provider has no product that fits the need and the firm now."""

    code = "not-eligible-provider"


class AlreadyPickedUp(Conflict):
    """Another provider (or a colleague) took the last pick-up place first."""

    code = "already-picked-up"


class NeedChanged(Conflict):
    """The need, pick-up or offer moved on since it was read; reload it."""

    code = "need-changed"
