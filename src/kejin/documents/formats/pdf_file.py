"""PDF files: the text layer page by page, lines joined back into paragraphs, page numbers left
out; the title, author (as issuer) and creation day from the document information. A PDF whose
pages carry no text (a scan) is refused: there is nothing to cite."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime

from pypdf import DocumentInformation, PdfReader

from kejin.core.i18n import N_
from kejin.documents.formats import Extracted, day_text, metadata, unreadable

# A line that is only a page number: "12", "- 12 -", "第 3 页", "第3页 共10页", "Page 2 of 9".
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|(?:page|p\.)\s*\d+(?:\s*of\s*\d+)?|\d{1,4}\s*/\s*\d{1,4})$",
    re.IGNORECASE,
)
# Where a paragraph ends, and where a new one starts even after an unfinished line.
_ENDS_PARAGRAPH = re.compile(r"[。！？；：.!?;:”」』]$")
_STARTS_PARAGRAPH = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[条章节款]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+[.、．]\s*\S|[-•·]\s)"
)
_DAMAGED = N_("is not a readable PDF (damaged or truncated)")
_SCANNED = N_("has no text layer (scanned?)")
_SHORT_LINE = 0.7  # a line shorter than this share of the page's longest line ends a paragraph
_LATIN_END = re.compile(r"[A-Za-z0-9,]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")


def read_pdf(raw: bytes, name: str) -> Extracted:
    """Text and metadata of a PDF's bytes."""
    # pypdf raises many exception types on damaged files (its own, ValueError, KeyError, …):
    # every one of them means the same thing here, the file cannot be read.
    try:
        reader = PdfReader(io.BytesIO(raw))
        locked = reader.is_encrypted and not reader.decrypt("")
        pages = [] if locked else [page.extract_text() or "" for page in reader.pages]
        info = None if locked else reader.metadata
    except Exception as error:
        raise unreadable(
            name, N_("{file} is not a readable PDF (damaged or truncated)"), _DAMAGED
        ) from error
    if locked:
        raise unreadable(name, N_("{file} is encrypted"), N_("is encrypted"))
    paragraphs = [p for page in pages for p in page_paragraphs(page.split("\n"))]
    if not paragraphs:
        raise unreadable(name, N_("{file} has no text layer (scanned?)"), _SCANNED)
    fields = metadata(
        title=info.title if info else None,
        issuer=info.author if info else None,
        date=day_text(_creation_date(info)),
    )
    return Extracted("\n".join(paragraphs), fields)


def page_paragraphs(lines: Sequence[str]) -> list[str]:
    """One page's lines as paragraphs: a leading or trailing page number dropped, then lines
    joined until one ends a sentence, a numbered item starts, or a line stops short."""
    kept = [line.strip() for line in lines if line.strip()]
    if kept and _PAGE_NUMBER.match(kept[-1]):
        kept.pop()
    if kept and _PAGE_NUMBER.match(kept[0]):
        kept.pop(0)
    longest = max((len(line) for line in kept), default=0)
    paragraphs: list[str] = []
    open_paragraph = False
    for line in kept:
        if open_paragraph and not _STARTS_PARAGRAPH.match(line):
            paragraphs[-1] = _join(paragraphs[-1], line)
        else:
            paragraphs.append(line)
        open_paragraph = not _ENDS_PARAGRAPH.search(line) and len(line) >= _SHORT_LINE * longest
    return paragraphs


def _join(left: str, right: str) -> str:
    """Latin words keep a space between lines; Chinese text runs on without one."""
    if _LATIN_END.search(left) and _LATIN_START.match(right):
        return f"{left} {right}"
    return left + right


def _creation_date(info: DocumentInformation | None) -> datetime | None:
    if info is None:
        return None
    try:
        return info.creation_date
    except ValueError:  # an unparsable /CreationDate string
        return None
