"""Request guards in front of every route: a body size limit and the content types each side
accepts, answered as 411/413/415 problems before any handler reads the body. Upload routes
(a path → its own byte limit) take multipart bodies up to their limit."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from kejin.core.errors import KejinError
from kejin.web.problems import handle_error

MAX_BODY_BYTES = 1024 * 1024
JSON_TYPES = ("application/json", "application/problem+json")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UPLOAD_TYPES = ("multipart/form-data",)
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and form fields around an uploaded file


class LengthRequired(KejinError):
    status = 411
    code = "length-required"


class PayloadTooLarge(KejinError):
    status = 413
    code = "payload-too-large"


class UnsupportedMediaType(KejinError):
    status = 415
    code = "unsupported-media-type"


def refusal(
    method: str, path: str, headers: dict[str, str], uploads: Mapping[str, int] | None = None
) -> KejinError | None:
    """Why a request's body must not be read, if it must not. `uploads` maps the paths that
    take a file upload to the largest file they take."""
    if method not in BODY_METHODS:
        return None
    length = headers.get("content-length")
    if length is None and not headers.get("transfer-encoding"):
        return None
    if length is None or not length.isdigit():
        return LengthRequired("Send a Content-Length header with the request body")
    upload_limit = (uploads or {}).get(path) if method == "POST" else None
    limit = MAX_BODY_BYTES if upload_limit is None else upload_limit + MULTIPART_OVERHEAD
    if int(length) > limit:
        return PayloadTooLarge("The request body is over {limit} bytes", limit=limit)
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    accepted: tuple[str, ...]
    if upload_limit is not None:
        accepted = UPLOAD_TYPES
    else:
        accepted = JSON_TYPES if path.startswith("/api/") else FORM_TYPES
    if int(length) > 0 and content_type not in accepted:
        return UnsupportedMediaType("Send the body as {accepted}", accepted=" or ".join(accepted))
    return None


class RequestGuard:
    """ASGI middleware applying `refusal` to every HTTP request."""

    def __init__(self, app: ASGIApp, uploads: Callable[[], Mapping[str, int]] = dict) -> None:
        self.app = app
        self.uploads = uploads  # read per request: the settings are the platform's

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            headers = dict(request.headers.items())
            problem = refusal(request.method, request.url.path, headers, self.uploads())
            if problem is not None:
                response = await handle_error(request, problem)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
