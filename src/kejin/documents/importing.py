"""Reading document files: plain text and Markdown (with an optional front-matter block), HTML,
PDF, Word (.docx) and JSON Lines in the corpus format. The format comes from the file's suffix
and is confirmed by its first bytes; text must be UTF-8 (a BOM is allowed) unless another
encoding is named. Every problem names the file field (and line) and reason; a file with any
problem yields no documents at all."""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from kejin.core.errors import FieldProblem
from kejin.documents.errors import InvalidDocument
from kejin.documents.formats import Extracted
from kejin.documents.formats.docx_file import read_docx
from kejin.documents.formats.html_file import read_html
from kejin.documents.formats.pdf_file import read_pdf
from kejin.documents.model import (
    DocumentInput,
    DocumentKind,
    document_from_record,
    markdown_to_plain,
    normalise_text,
    split_paragraphs,
)


class FileFormat(StrEnum):
    """The file formats a document can be added from."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    JSONL = "jsonl"  # many documents, one corpus record per line


SUFFIX_FORMATS = {
    ".txt": FileFormat.TEXT,
    ".md": FileFormat.MARKDOWN,
    ".html": FileFormat.HTML,
    ".htm": FileFormat.HTML,
    ".pdf": FileFormat.PDF,
    ".docx": FileFormat.DOCX,
    ".jsonl": FileFormat.JSONL,
}
_MAGIC = {FileFormat.PDF: b"%PDF-", FileFormat.DOCX: b"PK\x03\x04"}
_MAGIC_WINDOW = 1024  # a PDF header may follow a little junk (PDF 1.7, annex H)
_FENCE = "---"
_SEARCH_HEADER_END = "Search documents"
_RESULT_SOURCE = re.compile(r"^(?P<source>.+?)·\s*(?P<date>\d{4}-\d{2}-\d{2})")
_SENTENCE_BREAK = re.compile(r"(?<=[。！？”])\s+")
_TRAILING_HEADING = re.compile(r"^(?P<point>.*\])\s+(?P<heading>[^\[\]]+)$")
_DEFAULT_ENCODING = "utf-8-sig"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read one file: column limits, the size limit, the text encoding (UTF-8 when
    None) and metadata that overrides what a single-document file carries."""

    limits: Mapping[str, int]
    max_bytes: int | None = None
    encoding: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)


def file_format(name: str) -> FileFormat:
    """The format a file name's suffix announces; an unknown suffix is refused."""
    found = SUFFIX_FORMATS.get(Path(name).suffix.lower())
    if found is None:
        problem = FieldProblem("file", "has a suffix that is not supported")
        raise InvalidDocument(
            "{file}: only {suffixes} files can be added",
            [problem],
            file=name,
            suffixes=", ".join(SUFFIX_FORMATS),
        )
    return found


def read_file(path: Path, options: ReadOptions) -> list[DocumentInput]:
    """The document(s) of a file on disk; its size is checked before it is read."""
    fmt = file_format(path.name)
    _check_size(path.stat().st_size, path.name, options.max_bytes)
    return read_bytes(path.read_bytes(), path.name, str(path), fmt, options)


def read_bytes(
    raw: bytes, name: str, source: str, fmt: FileFormat, options: ReadOptions
) -> list[DocumentInput]:
    """The document(s) of a file's bytes: one document, or many for JSON Lines."""
    _check_size(len(raw), name, options.max_bytes)
    if not raw.strip():
        raise _empty_file(name)
    _check_magic(raw, name, fmt)
    if fmt is FileFormat.JSONL:
        return _jsonl_documents(io.BytesIO(raw), name, options.limits, options.encoding)
    extracted = _extract(raw, name, fmt, options.encoding)
    record: dict[str, Any] = {"id": Path(name).stem, "source": source, "language": "zh"}
    record |= extracted.fields
    record |= {key: value for key, value in options.overrides.items() if value}
    if not split_paragraphs(normalise_text(extracted.text)):
        problem = FieldProblem("text", "is missing or empty")
        raise InvalidDocument("{file} has no paragraphs", [problem], file=name)
    document, problems = document_from_record(record | {"text": extracted.text}, options.limits)
    if document is None:
        raise InvalidDocument("{file} was refused", problems, file=name)
    return [document]


def _extract(raw: bytes, name: str, fmt: FileFormat, encoding: str | None) -> Extracted:
    if fmt is FileFormat.PDF:
        return read_pdf(raw, name)
    if fmt is FileFormat.DOCX:
        return read_docx(raw, name)
    text = decode(raw, name, encoding)
    if fmt is FileFormat.HTML:
        return read_html(text, name)
    header, body = split_front_matter(text)
    return Extracted(markdown_to_plain(body) if fmt is FileFormat.MARKDOWN else body, header)


def read_text(path: Path) -> str:
    """The file's text, refused when it is empty or not UTF-8 (naming the bad byte)."""
    raw = path.read_bytes()
    text = decode(raw, path.name)
    if not text.strip():
        raise _empty_file(path.name)
    return text


def decode(raw: bytes, name: str, encoding: str | None = None, first_line: int = 1) -> str:
    """`raw` as text in `encoding` (UTF-8, BOM allowed, when None); invalid bytes are refused
    naming their offset and line, NUL bytes (a binary file) too."""
    codec = _codec(encoding)
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as error:
        line = first_line + raw[: error.start].count(b"\n")
        problem = FieldProblem("file", "is not {encoding} text", line, {"encoding": _label(codec)})
        raise InvalidDocument(
            "{file} is not {encoding} text: invalid bytes at offset {offset} (line {line})",
            [problem],
            file=name,
            encoding=_label(codec),
            offset=error.start,
            line=line,
        ) from error
    if "\x00" in text:
        problem = FieldProblem("file", "is not a text file")
        raise InvalidDocument(
            "{file} is not a text file (it holds NUL bytes)",
            [problem],
            file=name,
        )
    return text


def _codec(encoding: str | None) -> str:
    if encoding is None:
        return _DEFAULT_ENCODING
    try:
        return codecs.lookup(encoding).name
    except LookupError as error:
        problem = FieldProblem("encoding", "is not a known text encoding")
        raise InvalidDocument(
            "{encoding} is not a known text encoding",
            [problem],
            encoding=encoding,
        ) from error


def _label(codec: str) -> str:
    return "UTF-8" if codec == _DEFAULT_ENCODING else codec


def _check_size(size: int, name: str, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        limit = {"limit": max_bytes}
        problem = FieldProblem("file", "is larger than the limit of {limit} bytes", None, limit)
        raise InvalidDocument(
            "{file} is larger than the limit of {limit} bytes", [problem], file=name, **limit
        )


def _check_magic(raw: bytes, name: str, fmt: FileFormat) -> None:
    """A PDF must start with `%PDF-`, a .docx is a zip; a text file must be neither."""
    magic = _MAGIC.get(fmt)
    if magic is not None and magic not in raw[:_MAGIC_WINDOW]:
        label = {"format": fmt.value.upper()}
        problem = FieldProblem("file", "is not a {format} file (its first bytes do not match)")
        raise InvalidDocument(
            "{file} is not a {format} file (its first bytes do not match)",
            [replace(problem, params=label)],
            file=name,
            **label,
        )


def _empty_file(name: str) -> InvalidDocument:
    problem = FieldProblem("file", "is empty")
    return InvalidDocument("{file} is empty", [problem], file=name)


def read_jsonl(path: Path, limits: Mapping[str, int]) -> list[DocumentInput]:
    """Documents of a JSON Lines file whose records carry the corpus fields (see the corpus
    README); blank lines are skipped; `row` in problems is the 1-based line number."""
    with path.open("rb") as lines:
        return _jsonl_documents(lines, path.name, limits, None)


def _jsonl_documents(
    lines: Iterable[bytes], name: str, limits: Mapping[str, int], encoding: str | None
) -> list[DocumentInput]:
    documents: list[DocumentInput] = []
    problems: list[FieldProblem] = []
    for row, raw in enumerate(lines, start=1):
        line = decode(raw, name, encoding, first_line=row)
        if not line.strip():
            continue
        record = _json_object(line)
        if record is None:
            problems.append(FieldProblem("line", "is not a JSON object", row))
            continue
        document, found = document_from_record(record, limits, row=row)
        problems.extend(found)
        if document is not None:
            documents.append(document)
    if not documents and not problems:
        raise _empty_file(name)
    if problems:
        raise InvalidDocument(
            "{file}: {count} problems, nothing stored", problems, file=name, count=len(problems)
        )
    return documents


def read_text_document(
    path: Path, limits: Mapping[str, int], overrides: Mapping[str, Any] | None = None
) -> DocumentInput:
    """One document from a `.md` or `.txt` file: front-matter fields, then `overrides`
    (non-empty values only) on top. The id defaults to the file stem, the source to the path,
    the language to `zh`; the title must be given."""
    [document] = read_file(path, ReadOptions(limits, overrides=overrides or {}))
    return document


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split a leading `---` block of `key: value` lines from the body.

    `tags` is a comma-separated list; every other value is text. Without a block the whole
    text is the body."""
    lines = text.split("\n")
    if lines[0].strip() != _FENCE or _FENCE not in (line.strip() for line in lines[1:]):
        return {}, text
    end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == _FENCE)
    header: dict[str, Any] = {}
    for line in lines[1:end]:
        key, _, value = line.partition(":")
        if key.strip():
            header[key.strip()] = value.strip()
    if "tags" in header:
        header["tags"] = [tag.strip() for tag in header["tags"].split(",") if tag.strip()]
    return header, "\n".join(lines[end + 1 :])


def read_search_page(path: Path, limits: Mapping[str, int]) -> list[DocumentInput]:
    """The results of a saved document-search page (the shared seed page) as news documents.

    Layout: a header (`Workflow`, the topic, `icon`, `Search documents`), then per result a
    title line, an optional `<source>· <yyyy-mm-dd …>` line and one body line. The topic
    becomes a tag. Sentence runs become one paragraph per sentence group; a summary's
    ` - ` points become `- ` paragraphs under their section headings."""
    lines = [line.strip() for line in read_text(path).split("\n") if line.strip()]
    if _SEARCH_HEADER_END not in lines:
        raise InvalidDocument("{file}: no search results found", field="file", file=path.name)
    topic, index = lines[1], lines.index(_SEARCH_HEADER_END) + 1
    documents: list[DocumentInput] = []
    problems: list[FieldProblem] = []
    while index < len(lines) - 1:
        title, meta = lines[index], _RESULT_SOURCE.match(lines[index + 1])
        body_at = index + 2 if meta else index + 1
        if body_at >= len(lines):
            break
        record = _search_result(path, len(documents) + 1, title, lines[body_at], meta=meta)
        document, found = document_from_record(record | {"tags": [topic]}, limits, row=index + 1)
        documents += [document] if document else []
        problems += found
        index = body_at + 1
    if problems:
        raise InvalidDocument("{file} was refused", problems, file=path.name)
    return documents


def _search_result(
    path: Path, number: int, title: str, body: str, *, meta: re.Match[str] | None
) -> dict[str, Any]:
    points = body.split(" - ")
    summary = len(points) > 1
    text = _summary_paragraphs(points) if summary else _SENTENCE_BREAK.sub("\n", body)
    return {
        "id": f"seed-{path.stem}-{number}",
        "title": title,
        "text": f"{title}\n{text}",
        "language": "en" if summary else "zh",
        "kind": DocumentKind.NEWS.value,
        "source": f"{path.name}#{number}",
        "issuer": meta.group("source").strip() if meta else None,
        "date": meta.group("date") if meta else None,
    }


def _summary_paragraphs(points: list[str]) -> str:
    """`Heading - point [1] Next heading - point [2]` → heading / `- point` lines."""
    lines = [points[0]]
    for point in points[1:]:
        match = _TRAILING_HEADING.match(point)
        if match and point is not points[-1]:
            lines += [f"- {match.group('point')}", match.group("heading")]
        else:
            lines.append(f"- {point}")
    return "\n".join(lines)


def _json_object(line: str) -> Mapping[str, Any] | None:
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
