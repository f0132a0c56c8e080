"""Reading document files: JSON Lines in the corpus format, and Markdown or plain-text files
with an optional front-matter block. Every problem names the file field (and line) and reason;
a file with any problem yields no documents at all."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kejin.core.errors import FieldProblem
from kejin.documents.errors import InvalidDocument
from kejin.documents.model import (
    DocumentInput,
    DocumentKind,
    document_from_record,
    markdown_to_plain,
)

TEXT_SUFFIXES = frozenset({".md", ".txt"})
_FENCE = "---"
_SEARCH_HEADER_END = "Search documents"
_RESULT_SOURCE = re.compile(r"^(?P<source>.+?)·\s*(?P<date>\d{4}-\d{2}-\d{2})")
_SENTENCE_BREAK = re.compile(r"(?<=[。！？”])\s+")
_TRAILING_HEADING = re.compile(r"^(?P<point>.*\])\s+(?P<heading>[^\[\]]+)$")


def read_text(path: Path) -> str:
    """The file's text, refused when it is empty or not UTF-8 (naming the line of the bad byte)."""
    raw = path.read_bytes()
    text = _decode(raw, path, first_line=1)
    if not text.strip():
        raise _empty_file(path)
    return text


def _empty_file(path: Path) -> InvalidDocument:
    return InvalidDocument("{file} is empty", [FieldProblem("file", "is empty")], file=path.name)


def _decode(raw: bytes, path: Path, first_line: int) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = first_line + raw[: error.start].count(b"\n")
        raise InvalidDocument(
            "{file} is not UTF-8 text (first bad byte on line {line})",
            [FieldProblem("file", "is not UTF-8 text", line)],
            file=path.name,
            line=line,
        ) from error


def read_jsonl(path: Path, limits: Mapping[str, int]) -> list[DocumentInput]:
    """Documents of a JSON Lines file whose records carry the corpus fields (see the corpus
    README); blank lines are skipped; `row` in problems is the 1-based line number."""
    documents: list[DocumentInput] = []
    problems: list[FieldProblem] = []
    with path.open("rb") as lines:
        for row, raw in enumerate(lines, start=1):
            line = _decode(raw, path, first_line=row)
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
        raise _empty_file(path)
    if problems:
        raise InvalidDocument(
            "{file}: {count} problems, nothing stored",
            problems,
            file=path.name,
            count=len(problems),
        )
    return documents


def read_text_document(
    path: Path, limits: Mapping[str, int], overrides: Mapping[str, Any] | None = None
) -> DocumentInput:
    """One document from a `.md` or `.txt` file: front-matter fields, then `overrides`
    (non-empty values only) on top. The id defaults to the file stem, the source to the path,
    the language to `zh`; the title must be given."""
    header, body = split_front_matter(read_text(path))
    text = markdown_to_plain(body) if path.suffix == ".md" else body
    record: dict[str, Any] = {"id": path.stem, "source": str(path), "language": "zh"}
    record |= header
    record |= {key: value for key, value in (overrides or {}).items() if value}
    record["text"] = text
    document, problems = document_from_record(record, limits)
    if document is None:
        raise InvalidDocument("{file} was refused", problems, file=path.name)
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
