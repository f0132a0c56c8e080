"""Pure document vocabulary: kinds, levels, text normalisation, paragraphs, hashing, metadata.

A document's text is normalised once (line endings, Unicode NFC, zero-width characters, line
whitespace) and split into paragraphs; the content hash is taken over those paragraphs, so the
same text always yields the same paragraph positions and the same hash. No framework imports.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kejin.core.errors import FieldProblem
from kejin.core.i18n import N_


class DocumentKind(StrEnum):
    """What a document is (文档类型)."""

    GUIDE = "guide"  # 指南（本平台撰写）
    LAW = "law"  # 法律
    REGULATION = "regulation"  # 行政法规
    JUDICIAL_INTERPRETATION = "judicial_interpretation"  # 司法解释
    LOCAL_REGULATION = "local_regulation"  # 地方性法规
    DEPARTMENTAL_RULE = "departmental_rule"  # 部门规章
    PARTY_DOCUMENT = "party_document"  # 党内文件
    GOVERNMENT_REPORT = "government_report"  # 政府工作报告
    POLICY = "policy"  # 政策文件（其他规范性文件）
    NEWS = "news"  # 新闻报道与文章摘要


class GovernmentLevel(StrEnum):
    """Level of the issuing government (层级); `municipal` covers every level below a province."""

    NATIONAL = "national"  # 国家
    PROVINCIAL = "provincial"  # 省级（含直辖市、自治区）
    MUNICIPAL = "municipal"  # 市县级


NATIONAL_REGION = "全国"
_DIRECT_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_PROVINCE = re.compile(r"^(.+?(?:省|自治区|特别行政区))")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_YEAR = re.compile(r"^\d{4}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_LAW_FOLDERS = frozenset(
    {
        "宪法",
        "宪法相关法",
        "民法典",
        "民法商法",
        "行政法",
        "经济法",
        "社会法",
        "刑法",
        "诉讼与非诉讼程序法",
    }
)
_FOLDER_KINDS = {
    "行政法规": DocumentKind.REGULATION,
    "司法解释": DocumentKind.JUDICIAL_INTERPRETATION,
    "部门规章": DocumentKind.DEPARTMENTAL_RULE,
    "DLC": DocumentKind.LOCAL_REGULATION,
    "cpc_congress_reports.jsonl": DocumentKind.PARTY_DOCUMENT,
    "government_work_reports.jsonl": DocumentKind.GOVERNMENT_REPORT,
}


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """One document to store: metadata plus its full plain text."""

    external_id: str
    title: str
    text: str
    language: str
    kind: DocumentKind
    source: str
    issuer: str | None = None
    doc_no: str | None = None
    date_text: str | None = None  # as given: "yyyy" or "yyyy-mm-dd"
    region: str | None = None
    tags: tuple[str, ...] = ()
    given_level: GovernmentLevel | None = None  # as given; otherwise derived from the region

    @property
    def level(self) -> GovernmentLevel | None:
        return self.given_level or level_of_region(self.region)

    @property
    def published_on(self) -> date | None:
        return parse_date_text(self.date_text)


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A validated document with its normalised text, content hash and paragraphs."""

    document: DocumentInput
    content_hash: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """Where a stored document is; `already_present` when the same content was stored before."""

    id: int
    external_id: str
    title: str
    paragraphs: int
    already_present: bool = False


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A stored document's metadata and paragraph count, as lists and detail pages show it."""

    id: int
    external_id: str
    title: str
    kind: str
    language: str
    source: str
    issuer: str | None
    doc_no: str | None
    date_text: str | None
    published_on: date | None
    region: str | None
    level: str | None
    tags: tuple[str, ...]
    paragraphs: int


@dataclass(frozen=True, slots=True)
class CitedParagraph:
    """One stored paragraph: `[document external id, position]` cites it."""

    position: int
    text: str


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Which stored documents a list shows; None means any. `issuer` matches a part of the
    issuer, `region` a region and everything below it, the days the publication date."""

    kind: DocumentKind | None = None
    language: str | None = None
    issuer: str | None = None
    region: str | None = None
    published_from: date | None = None
    published_until: date | None = None


@dataclass(frozen=True, slots=True)
class DocumentDeletion:
    """One entry of the deletion log: `seq` grows with every deletion, never reused."""

    seq: int
    document_id: int
    external_id: str
    deleted_at: datetime


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What one bulk store did: new documents and what it skipped as already present."""

    added: int = 0
    paragraphs: int = 0
    characters: int = 0
    skipped_existing: int = 0  # external id or content already in the store
    skipped_duplicates: int = 0  # same content twice within the batch
    refs: tuple[DocumentRef, ...] = field(default=(), repr=False)


class LoadStep(StrEnum):
    """Steps a load reports progress on."""

    READ = "read"  # one file read and validated
    PREPARE = "prepare"  # documents normalised, split and hashed
    STORE = "store"  # documents and paragraphs being written


def normalise_text(text: str) -> str:
    """Canonical form of a document's text: NFC, `\\n` line ends, no zero-width characters,
    each line stripped (full-width spaces too), runs of blank lines collapsed to one."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.strip() for line in text.translate(_ZERO_WIDTH).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def markdown_to_plain(text: str) -> str:
    """Heading markers become plain lines, as in the corpus; everything else is kept."""
    return _MARKDOWN_HEADING.sub("", text)


def split_paragraphs(normalised_text: str) -> tuple[str, ...]:
    """Paragraphs of a normalised text: every non-empty line, in order.

    Paragraph `n` (1-based) of a document is its `n`-th element; the same text always gives
    the same positions, which is what makes `[document, position]` a stable citation.
    """
    return tuple(line for line in normalised_text.split("\n") if line)


def content_hash(paragraphs: Sequence[str]) -> str:
    """SHA-256 (hex) of the paragraphs joined by newlines: the identity used to detect
    duplicates, blind to layout (line ends, blank lines, indentation) but not to content."""
    return hashlib.sha256("\n".join(paragraphs).encode("utf-8")).hexdigest()


def parse_date_text(date_text: str | None) -> date | None:
    """`yyyy-mm-dd` → that day; `yyyy` → 1 January of that year (the text keeps the precision)."""
    if date_text is None:
        return None
    if _YEAR.match(date_text):
        return date(int(date_text), 1, 1)
    if _DAY.match(date_text):
        try:
            return date.fromisoformat(date_text)
        except ValueError:
            pass
    raise ValueError(date_text)


def level_of_region(region: str | None) -> GovernmentLevel | None:
    """全国 → national; a province or direct municipality alone → provincial; below → municipal."""
    if not region:
        return None
    if region == NATIONAL_REGION:
        return GovernmentLevel.NATIONAL
    province = next((m for m in _DIRECT_MUNICIPALITIES if region.startswith(m)), None)
    if province is None:
        match = _PROVINCE.match(region)
        province = match.group(1) if match else region
    return GovernmentLevel.PROVINCIAL if region == province else GovernmentLevel.MUNICIPAL


def kind_of_source(source: str) -> DocumentKind:
    """Kind from the corpus `source` (`owner/repo@commit:path`): the upstream file or folder."""
    path = source.partition(":")[2]
    folder = path.split("/", 1)[0]
    if folder in _LAW_FOLDERS:
        return DocumentKind.LAW
    return _FOLDER_KINDS.get(folder, DocumentKind.POLICY)


def prepare(document: DocumentInput) -> PreparedDocument:
    """Normalise, hash and split one validated document."""
    paragraphs = split_paragraphs(normalise_text(document.text))
    return PreparedDocument(document, content_hash(paragraphs), paragraphs)


def document_from_record(
    record: Mapping[str, Any], limits: Mapping[str, int], *, row: int | None = None
) -> tuple[DocumentInput | None, list[FieldProblem]]:
    """Validate one corpus-style record (fields of the corpus README) into a `DocumentInput`.

    `limits` gives the longest allowed value per field. Returns the document or the problems,
    each naming the field and the reason."""
    problems = _record_problems(record, limits, row)
    if problems:
        return None, problems
    kind = record.get("kind") or kind_of_source(str(record["source"]))
    return DocumentInput(
        external_id=record["id"],
        title=record["title"].strip(),
        text=record["text"],
        language=record["language"],
        kind=DocumentKind(kind),
        source=record["source"],
        issuer=record.get("issuer"),
        doc_no=record.get("doc_no"),
        date_text=record.get("date"),
        region=record.get("region"),
        tags=tuple(record.get("tags") or ()),
        given_level=GovernmentLevel(record["level"]) if record.get("level") else None,
    ), []


_KINDS = frozenset(DocumentKind)
_REQUIRED = ("id", "title", "text", "language", "source")
_OPTIONAL = ("issuer", "doc_no", "date", "region", "kind", "level")
_LEVELS = frozenset(GovernmentLevel)


def _record_problems(
    record: Mapping[str, Any], limits: Mapping[str, int], row: int | None
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for name in (*_REQUIRED, *_OPTIONAL):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(FieldProblem(name, "is not text", row))
        elif name in _REQUIRED and (value is None or not value.translate(_ZERO_WIDTH).strip()):
            problems.append(FieldProblem(name, "is missing or empty", row))
        elif value is not None and len(value) > limits.get(name, len(value)):
            reason = "is longer than {limit} characters"
            problems.append(FieldProblem(name, reason, row, {"limit": limits[name]}))
    return problems + _value_problems(record, row)


def _value_problems(record: Mapping[str, Any], row: int | None) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    date_text = record.get("date")
    if isinstance(date_text, str):
        try:
            parse_date_text(date_text)
        except ValueError:
            reason = "is not a date of the form yyyy or yyyy-mm-dd: {value}"
            problems.append(FieldProblem("date", reason, row, {"value": date_text}))
    kind = record.get("kind")
    if isinstance(kind, str) and kind not in _KINDS:
        reason = "is not a known document kind: {value}"
        problems.append(FieldProblem("kind", reason, row, {"value": kind}))
    level = record.get("level")
    if isinstance(level, str) and level not in _LEVELS:
        reason = N_("is not a known government level: {value}")
        problems.append(FieldProblem("level", reason, row, {"value": level}))
    tags = record.get("tags")
    if tags is not None and not (
        isinstance(tags, list | tuple) and all(isinstance(tag, str) for tag in tags)
    ):
        problems.append(FieldProblem("tags", "is not a list of text", row))
    return problems
