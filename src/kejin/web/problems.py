"""The one place errors become HTTP answers: RFC 9457 problem+json for the API, a friendly
bilingual page for browsers.

`KejinError` (and its subclasses), FastAPI's request-validation errors, HTTP exceptions and
unexpected exceptions all pass through `handle_error`; messages are translated to the
request's locale and internals of unexpected errors never leak.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kejin.core.errors import InvalidInput, KejinError
from kejin.core.i18n import N_, translate
from kejin.web.locale import locale_of
from kejin.web.templating import render

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "/problems/{code}"
PROBLEM_MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: N_("Bad request"),
    401: N_("Sign-in required"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    410: N_("Gone"),
    411: N_("Length required"),
    412: N_("Precondition failed"),
    413: N_("Request too large"),
    415: N_("Unsupported media type"),
    422: N_("Invalid input"),
    429: N_("Too many attempts"),
    500: N_("Internal error"),
}
UNKNOWN_TITLE = N_("Error")
CODES = {404: "not-found", 405: "method-not-allowed", 422: "invalid-input", 500: "internal-error"}
VALIDATION_REASONS = {
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "enum": N_("must be one of: {expected}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than_equal": N_("must be at most {le}"),
    "string_too_long": N_("must be at most {max_length} characters"),
    "missing": N_("is required"),
}
GENERIC_REASON = N_("is not valid")
FIELD_REASON = N_("{field}: {reason}")
INTERNAL_DETAIL = N_("Something went wrong on our side. Please try again later.")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for routes that may answer `statuses` with a problem document."""
    return {status: {"content": {"application/problem+json": {}}} for status in statuses}


def problem(
    locale: str, status: int, detail: str, *, code: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A problem document; `title` comes from the status, `type` from the error code."""
    code = code or CODES.get(status, "error")
    title = translate(locale, TITLES.get(status, UNKNOWN_TITLE))
    body = {"type": PROBLEM_TYPE.format(code=code), "title": title, "status": status}
    return body | {"detail": detail} | {k: v for k, v in extra.items() if v is not None}


def from_kejin_error(locale: str, exc: KejinError) -> dict[str, Any]:
    errors = (
        [
            {"field": p.field, "reason": translate(locale, p.reason, **p.params), "row": p.row}
            for p in exc.problems
        ]
        if isinstance(exc, InvalidInput)
        else []
    )
    detail = translate(locale, exc.message, **exc.params)
    return problem(
        locale, exc.status, detail, code=exc.code, field=exc.field, errors=errors or None
    )


def refusal(locale: str, exc: KejinError) -> dict[str, Any]:
    """What a page shows when an action is refused: `error` (the message) and `problems`
    ((field, reason) pairs of an `InvalidInput`), translated for `locale`."""
    problems = (
        [(p.field, translate(locale, p.reason, **p.params)) for p in exc.problems]
        if isinstance(exc, InvalidInput)
        else []
    )
    return {"error": translate(locale, exc.message, **exc.params), "problems": problems}


def from_validation_error(locale: str, exc: RequestValidationError) -> dict[str, Any]:
    errors = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"][1:]) or str(error["loc"][0])
        reason = VALIDATION_REASONS.get(error["type"], GENERIC_REASON)
        errors.append({"field": field, "reason": translate(locale, reason, **error.get("ctx", {}))})
    first = errors[0] if errors else {"field": None, "reason": translate(locale, GENERIC_REASON)}
    detail = translate(locale, FIELD_REASON, field=first["field"], reason=first["reason"])
    return problem(locale, 422, detail, field=first["field"], errors=errors)


def from_http_exception(locale: str, exc: HTTPException) -> dict[str, Any]:
    title = TITLES.get(exc.status_code)
    detail = translate(locale, title) if title else str(exc.detail)
    return problem(locale, exc.status_code, detail)


def as_problem(locale: str, exc: Exception) -> dict[str, Any]:
    """The problem document for any exception; unexpected ones reveal nothing inside."""
    if isinstance(exc, KejinError):
        return from_kejin_error(locale, exc)
    if isinstance(exc, RequestValidationError):
        return from_validation_error(locale, exc)
    if isinstance(exc, HTTPException):
        return from_http_exception(locale, exc)
    logger.exception("unexpected error", exc_info=exc)
    return problem(locale, 500, translate(locale, INTERNAL_DETAIL))


def wants_page(request: Request) -> bool:
    """Browsers asking for a page get HTML; the API and other clients get problem+json."""
    accept = request.headers.get("accept", "")
    return not request.url.path.startswith("/api/") and "text/html" in accept


async def handle_error(request: Request, exc: Exception) -> Response:
    body = as_problem(locale_of(request), exc)
    if wants_page(request):
        return render(request, "error.html", {"problem": body}, status_code=body["status"])
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_MEDIA_TYPE)


def install(app: FastAPI) -> None:
    """Route every error family through `handle_error`."""
    for kind in (KejinError, RequestValidationError, HTTPException, Exception):
        app.add_exception_handler(kind, handle_error)
