"""Request language: `?lang=` (remembered in a cookie), then the cookie, then Accept-Language.

The middleware stores the locale on `request.state.locale` for handlers, templates and the
error handler, and sets the cookie when the toggle (`?lang=`) was used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from kejin.core.i18n import DEFAULT_LOCALE, LOCALES, negotiate

LANG_COOKIE = "kejin_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def chosen_locale(value: str | None) -> str | None:
    """A supported locale named by a toggle value (`zh-CN`, `zh`, `en-US`…), else None."""
    if not value:
        return None
    tag = value.strip().lower().replace("_", "-")
    if tag.startswith("zh"):
        return "zh_CN"
    if tag.startswith("en"):
        return "en"
    return None


def request_locale(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The locale to answer in: query beats cookie beats the browser's header."""
    return negotiate(accept_language, chosen_locale(query) or chosen_locale(cookie))


def locale_of(request: Request) -> str:
    """The locale the middleware picked (the default before the middleware has run)."""
    locale = getattr(request.state, "locale", DEFAULT_LOCALE)
    return locale if locale in LOCALES else DEFAULT_LOCALE


async def locale_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    chosen = chosen_locale(request.query_params.get("lang"))
    request.state.locale = request_locale(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )
    response = await call_next(request)
    response.headers["Content-Language"] = request.state.locale.replace("_", "-")
    response.headers["Vary"] = "Accept-Language, Cookie"
    if chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="lax")
    return response
