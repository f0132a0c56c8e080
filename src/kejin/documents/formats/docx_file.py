"""Word (.docx) files: body paragraphs and table cells in reading order, one paragraph each;
the title, author (as issuer), creation day, language and keywords (as tags) from the core
properties."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from kejin.core.i18n import N_
from kejin.documents.formats import Extracted, day_text, language_code, metadata, unreadable

_KEYWORD_SEPARATORS = re.compile(r"[,，;；、]")


def read_docx(raw: bytes, name: str) -> Extracted:
    """Text and metadata of a .docx file's bytes."""
    # python-docx raises what its zip, XML and package layers raise on a damaged file
    # (BadZipFile, KeyError, XMLSyntaxError, …): every one means the file cannot be read.
    try:
        document = docx.Document(io.BytesIO(raw))
        lines = list(_lines(document))
        core = document.core_properties
        keywords = _KEYWORD_SEPARATORS.split(core.keywords or "")
        fields = metadata(
            title=core.title,
            issuer=core.author,
            date=day_text(core.created),
            language=language_code(core.language),
            tags=[tag.strip() for tag in keywords if tag.strip()],
        )
    except Exception as error:
        raise unreadable(
            name,
            N_("{file} is not a readable Word document (damaged or truncated)"),
            N_("is not a readable Word document (damaged or truncated)"),
        ) from error
    return Extracted("\n".join(lines), fields)


def _lines(container: Any) -> Iterator[str]:
    """Paragraph texts of a document or table cell, descending into tables cell by cell
    (a merged cell once)."""
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _table_lines(block)


def _table_lines(table: Table) -> Iterator[str]:
    seen: set[Any] = set()  # holding the cell elements keeps their proxies (and identities)
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell repeats in every row and column it spans
                continue
            seen.add(cell._tc)
            yield from _lines(cell)
