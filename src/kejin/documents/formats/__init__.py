"""Readers of rich document files (HTML, PDF, DOCX): each turns a file's bytes into plain text,
one paragraph per line, and the metadata the file itself carries, or refuses the file with the
reason. Record field names (`title`, `issuer`, `date`, `language`, `tags`) are used for the
metadata so that `importing` validates it exactly as a corpus record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kejin.core.errors import FieldProblem
from kejin.documents.errors import InvalidDocument

_LANGUAGE = re.compile(r"^(zh|en)\b", re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a reader found: the text (paragraphs on their own lines) and the file's metadata."""

    text: str
    fields: dict[str, Any] = field(default_factory=dict)


def unreadable(name: str, message: str, reason: str, **params: Any) -> InvalidDocument:
    """The refusal of a file that cannot be parsed (damaged, truncated, not what it claims):
    `message` names the `{file}`, `reason` is the same without it (both marked with `N_`)."""
    problem = FieldProblem("file", reason, None, params)
    return InvalidDocument(message, [problem], file=name, **params)


def metadata(**values: Any) -> dict[str, Any]:
    """The non-empty values, text stripped: what a file states about itself."""
    cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    return {key: value for key, value in cleaned.items() if value}


def day_text(value: date | datetime | str | None) -> str | None:
    """`yyyy-mm-dd` of a date, a datetime or a text starting with one; None otherwise."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    match = _DATE_PREFIX.match(value.strip()) if isinstance(value, str) else None
    return match.group(1) if match else None


def language_code(value: str | None) -> str | None:
    """`zh` or `en` from a language tag such as `zh-CN` or `en-US`; None for anything else."""
    match = _LANGUAGE.match(value.strip()) if value else None
    return match.group(1).lower() if match else None
