"""One error family. Every domain error subclasses `KejinError`; entrypoints map it in one place.

Messages are English gettext message ids with `{placeholders}`; the web and API layers translate
them for the request's language, the CLI for the terminal's.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar


@dataclasses.dataclass(frozen=True, slots=True)
class FieldProblem:
    """One reason one field of one input (row) was refused."""

    field: str
    reason: str
    row: int | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class KejinError(Exception):
    """Base of every error the platform raises on purpose."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad-request"

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.field = field
        self.params = params


class NotFound(KejinError):
    status = 404
    code = "not-found"


class InvalidInput(KejinError):
    """Input refused; `problems` names each field and reason."""

    status = 422
    code = "invalid-input"

    def __init__(self, message: str, problems: list[FieldProblem] | None = None, **params: Any):
        super().__init__(message, **params)
        self.problems = problems or []


class Conflict(KejinError):
    status = 409
    code = "conflict"


class PreconditionFailed(KejinError):
    status = 412
    code = "precondition-failed"


class PreconditionRequired(KejinError):
    """A write without `If-Match`: the editor must say which version it changes."""

    status = 428
    code = "precondition-required"


class PermissionDenied(KejinError):
    status = 403
    code = "forbidden"
