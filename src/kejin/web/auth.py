"""Who is asking: web sessions (cookie) and API tokens (Bearer), and CSRF tokens.

- The session cookie `kejin_session` holds a random id (stored only as a digest), HttpOnly,
  SameSite=Lax and Secure over https. Signing in always issues a new id and ends the old one.
- An `Authorization: Bearer kejin_<id>_<secret>` header authenticates a machine client; a bad,
  expired or revoked token is a 401, never treated as anonymous.
- CSRF: a signed-in form carries the session's own token; an anonymous form (login, sign-up)
  carries an HMAC of a random `kejin_csrf` cookie under the secret key. Bearer requests need
  none (browsers never add that header by themselves).

`current_principal(request)` resolves once per request; `kejin.web.policy` decides access.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import FastAPI
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kejin.bootstrap import Platform
from kejin.core.errors import KejinError
from kejin.core.i18n import LOCALES
from kejin.identity import authentication
from kejin.identity.authentication import SignedIn
from kejin.identity.credentials import random_token
from kejin.identity.errors import CsrfRefused, NotSignedIn
from kejin.identity.model import SESSION_ABSOLUTE, Principal
from kejin.web import problems
from kejin.web.templating import environment

SESSION_COOKIE = "kejin_session"
CSRF_COOKIE = "kejin_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True, slots=True)
class Credentials:
    principal: Principal | None
    session_token: str | None = None  # the cookie value, for a live session
    session_csrf: str | None = None  # that session's CSRF token
    bearer: bool = False


def _platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def credentials(request: Request) -> Credentials:
    """The request's credentials, resolved on first use and kept on `request.state`."""
    known: Credentials | None = getattr(request.state, "credentials", None)
    if known is None:
        known = _resolve(request)
        request.state.credentials = known
    return known


def _resolve(request: Request) -> Credentials:
    uow = _platform(request).uow
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotSignedIn("Send an API token as: Authorization: Bearer <token>")
        return Credentials(authentication.token_principal(uow, token.strip()), bearer=True)
    cookie = request.cookies.get(SESSION_COOKIE)
    found = authentication.session_principal(uow, cookie) if cookie else None
    if found is None:
        return Credentials(None)
    principal, csrf = found
    return Credentials(principal, session_token=cookie, session_csrf=csrf)


def current_principal(request: Request) -> Principal | None:
    """Who is signed in (session or API token), or None for an anonymous visitor."""
    return credentials(request).principal


def viewer(request: Request) -> Principal | None:
    """Who is signed in, for the page header; None (never an error) when credentials are bad."""
    try:
        return current_principal(request)
    except KejinError:
        return None


def _anonymous_csrf(request: Request) -> str:
    seed = request.cookies.get(CSRF_COOKIE)
    if not seed:
        seed = getattr(request.state, "new_csrf_seed", None) or random_token()
        request.state.new_csrf_seed = seed
    key = _platform(request).settings.secret_key.encode()
    return hmac.new(key, seed.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token a form of this request's page must send back (the session's, else signed)."""
    known = credentials(request)
    if known.bearer:
        return ""
    return known.session_csrf or _anonymous_csrf(request)


def csrf_field(request: Request) -> Markup:
    """The hidden form field carrying the CSRF token, for templates."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        CSRF_FIELD, escape(csrf_token(request))
    )


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong."""
    known = credentials(request)
    if request.method in SAFE_METHODS or known.bearer:
        return
    if request.url.path.startswith("/api/") and known.session_token is None:
        return  # anonymous JSON calls: the JSON-only content type already stops cross-site forms
    expected = csrf_token(request)
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    if not supplied or not hmac.compare_digest(supplied.encode(), expected.encode()):
        raise CsrfRefused(
            "This form has expired or did not come from this site. Reload the page and try again"
        )


def start_session(request: Request, response: Response, signed_in: SignedIn) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.session_token,
        max_age=int(SESSION_ABSOLUTE.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


async def _not_signed_in(request: Request, exc: Exception) -> Response:
    """Pages send the visitor to the login page; the API answers 401 problem+json."""
    if problems.wants_page(request) and request.method in SAFE_METHODS:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    response = await problems.handle_error(request, exc)
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def install(app: FastAPI) -> None:
    """The 401 handler, the template helpers and the anonymous CSRF cookie middleware."""
    app.add_exception_handler(NotSignedIn, _not_signed_in)
    for locale in LOCALES:
        environment(locale).globals.update(viewer=viewer, csrf_field=csrf_field)

    @app.middleware("http")
    async def csrf_cookie(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        seed = getattr(request.state, "new_csrf_seed", None)
        if seed:
            response.set_cookie(
                CSRF_COOKIE,
                seed,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        return response
