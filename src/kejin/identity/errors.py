"""Identity errors: refused sign-ins, bad credentials, throttling. Messages never say whether
an account exists."""

from __future__ import annotations

from kejin.core.errors import KejinError


class NotSignedIn(KejinError):
    """No valid credentials came with the request (401; pages redirect to the login page)."""

    status = 401
    code = "not-signed-in"


class InvalidCredentials(NotSignedIn):
    """Wrong login or password, or an invalid, expired or revoked token — one answer for all."""

    code = "invalid-credentials"


class TooManyAttempts(KejinError):
    status = 429
    code = "too-many-attempts"


class InvalidInvitation(KejinError):
    status = 410
    code = "invalid-invitation"


class CsrfRefused(KejinError):
    status = 403
    code = "csrf"
