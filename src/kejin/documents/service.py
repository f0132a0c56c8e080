"""Document-library use cases: add one document, load the built-in guides, load the real corpus,
add a file (or several, each on its own), upload one, delete one, count what is stored. Each
runs in one unit of work and commits once, so a refused or failed load stores nothing;
re-running a load adds nothing (known ids and contents are skipped)."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kejin.audit import service as audit
from kejin.bootstrap import Platform
from kejin.core.errors import FieldProblem, KejinError
from kejin.core.progress import ProgressCallback, no_progress
from kejin.core.uow import UnitOfWork
from kejin.documents.errors import DocumentConflict, DocumentNotFound, InvalidDocument
from kejin.documents.importing import (
    FileFormat,
    ReadOptions,
    file_format,
    read_bytes,
    read_file,
    read_jsonl,
    read_search_page,
    read_text_document,
)
from kejin.documents.model import (
    BatchOutcome,
    DocumentInput,
    DocumentKind,
    DocumentRef,
    LoadStep,
    PreparedDocument,
    prepare,
)
from kejin.documents.orm import DocumentRow, ParagraphRow
from kejin.documents.repository import DocumentRepository, field_limits
from kejin.identity.model import Principal

GUIDES_DIR = Path(__file__).parent / "guides"
CORPUS_FILES = ("policy_docs.jsonl", "government_work_reports.jsonl")
_PREPARE_REPORT_EVERY = 250
SUBJECT = "document"
ADDED = "document.add"
DELETED = "document.delete"
UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did and how long it took."""

    files: tuple[str, ...]
    documents_read: int
    outcome: BatchOutcome
    seconds: float


@dataclass(frozen=True, slots=True)
class FileRefusal:
    """One file of a batch that was refused, and why."""

    file: str
    error: KejinError


@dataclass(frozen=True, slots=True)
class Upload:
    """A file received over HTTP: its name (the suffix gives the format), bytes and, for text,
    the encoding when it is not UTF-8."""

    name: str
    content: bytes
    encoding: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentReference:
    """How a list of results refers to a document beyond its search fields."""

    doc_no: str | None
    source: str


@dataclass(frozen=True, slots=True)
class KindCount:
    kind: str
    language: str
    documents: int
    paragraphs: int


def add_document(uow: UnitOfWork, document: DocumentInput) -> DocumentRef:
    """Store one document. The same content stored before → that document, `already_present`;
    its external id taken by different content → `DocumentConflict`."""
    prepared = prepare(document)
    with uow:
        ref = _add_one(DocumentRepository(uow.session), prepared)
        uow.commit()
    return ref


def _add_one(repository: DocumentRepository, prepared: PreparedDocument) -> DocumentRef:
    existing = repository.by_content_hash(prepared.content_hash)
    if existing is not None:
        count = repository.paragraph_count(existing.id)
        return DocumentRef(existing.id, existing.external_id, existing.title, count, True)
    if repository.by_external_id(prepared.document.external_id) is not None:
        raise DocumentConflict(
            "A different document already has the id {external_id}",
            field="id",
            external_id=prepared.document.external_id,
        )
    return _store(repository, [prepared]).refs[0]


def load_guides(platform: Platform, progress: ProgressCallback = no_progress) -> LoadReport:
    """Store the built-in guides (`documents/guides/*.md`, Chinese and English)."""
    paths = sorted(GUIDES_DIR.glob("*.md"))
    return _load(platform, paths, _read_guide, progress)


def load_corpus(
    platform: Platform, corpus_dir: Path, progress: ProgressCallback = no_progress
) -> LoadReport:
    """Store the real corpus read in place from `corpus_dir` (never copied): the JSON Lines
    files named in `CORPUS_FILES` that are present, all in one transaction."""
    paths = [corpus_dir / name for name in CORPUS_FILES if (corpus_dir / name).is_file()]
    if not paths:
        raise InvalidDocument(
            "No corpus file ({names}) in {directory}",
            field="directory",
            names=", ".join(CORPUS_FILES),
            directory=str(corpus_dir),
        )
    return _load(platform, paths, _read_jsonl, progress)


def load_search_pages(
    platform: Platform, seed_dir: Path, progress: ProgressCallback = no_progress
) -> LoadReport:
    """Store the results of the saved search pages (`*.txt`) in `seed_dir`, read in place."""
    paths = sorted(seed_dir.glob("*.txt"))
    if not paths:
        raise InvalidDocument(
            "No search page (*.txt) in {directory}", field="directory", directory=str(seed_dir)
        )
    return _load(platform, paths, _read_search_page, progress)


def add_file(
    platform: Platform,
    path: Path,
    overrides: Mapping[str, Any] | None = None,
    progress: ProgressCallback = no_progress,
    *,
    encoding: str | None = None,
) -> LoadReport:
    """Store the document(s) of one file (.txt, .md, .html, .pdf, .docx: one document;
    .jsonl: many) in one unit of work; `overrides` set metadata fields (title, issuer, kind,
    …) of a single-document file. Files over `Settings.document_max_bytes` are refused."""
    options = ReadOptions(
        field_limits(), platform.settings.document_max_bytes, encoding, overrides or {}
    )
    return _load(platform, [path], lambda file: read_file(file, options), progress)


def add_files(
    platform: Platform,
    paths: Sequence[Path],
    overrides: Mapping[str, Any] | None = None,
    *,
    encoding: str | None = None,
) -> tuple[list[LoadReport], list[FileRefusal]]:
    """Store several files, each in its own unit of work: a refused file stores nothing and
    keeps none of the others from being stored. Returns what each stored file did and why
    each refused file was refused."""
    reports: list[LoadReport] = []
    refusals: list[FileRefusal] = []
    for path in paths:
        try:
            reports.append(add_file(platform, path, overrides, encoding=encoding))
        except KejinError as error:
            refusals.append(FileRefusal(path.name, error))
    return reports, refusals


def upload_document(
    platform: Platform, actor: Principal, upload: Upload, overrides: Mapping[str, Any]
) -> DocumentRef:
    """Store the one document of an uploaded file and audit it, in one unit of work. The same
    content stored before → that document, `already_present` (nothing audited); the external
    id taken by different content → `DocumentConflict`. JSON Lines files hold many documents
    and are refused here (`kejin docs add` loads them)."""
    fmt = file_format(upload.name)
    if fmt is FileFormat.JSONL:
        problem = FieldProblem("file", "holds many documents")
        raise InvalidDocument(
            "{file}: upload one document at a time; load JSON Lines files with kejin docs add",
            [problem],
            file=upload.name,
        )
    options = ReadOptions(
        field_limits(), platform.settings.document_max_bytes, upload.encoding, overrides
    )
    [document] = read_bytes(upload.content, upload.name, f"upload:{upload.name}", fmt, options)
    with platform.uow() as uow:
        ref = _add_one(DocumentRepository(uow.session), prepare(document))
        if not ref.already_present:
            detail = {"title": ref.title[:200], "paragraphs": ref.paragraphs, "file": upload.name}
            audit.record(
                uow.session,
                actor=actor,
                action=ADDED,
                subject_type=SUBJECT,
                subject_id=ref.external_id,
                detail=detail,
            )
        uow.commit()
    return ref


def delete_document(uow: UowFactory, actor: Principal | str, external_id: str) -> DocumentRef:
    """Delete a document and its paragraphs, append it to the deletion log and audit it, in
    one unit of work. Returns what was deleted."""
    with uow() as work:
        repository = DocumentRepository(work.session)
        row = repository.by_external_id(external_id)
        if row is None:
            raise DocumentNotFound(
                "No document has the id {external_id}", field="external_id", external_id=external_id
            )
        ref = DocumentRef(row.id, row.external_id, row.title, repository.paragraph_count(row.id))
        repository.delete(row, datetime.now(UTC))
        audit.record(
            work.session,
            actor=actor,
            action=DELETED,
            subject_type=SUBJECT,
            subject_id=external_id,
            detail={"title": ref.title[:200], "paragraphs": ref.paragraphs},
        )
        work.commit()
    return ref


def document_counts(platform: Platform) -> list[KindCount]:
    """Documents and paragraphs stored, by kind and language."""
    with platform.uow() as uow:
        rows = DocumentRepository(uow.session).counts_by_kind_and_language()
    return [KindCount(*row) for row in rows]


Reader = Callable[[Path], list[DocumentInput]]


def _read_jsonl(path: Path) -> list[DocumentInput]:
    return read_jsonl(path, field_limits())


def _read_search_page(path: Path) -> list[DocumentInput]:
    return read_search_page(path, field_limits())


def _read_guide(path: Path) -> list[DocumentInput]:
    document = read_text_document(path, field_limits())
    if document.kind is not DocumentKind.GUIDE:
        raise InvalidDocument("{file}: a guide must have kind guide", field="kind", file=path.name)
    return [replace(document, external_id=f"guide-{path.stem}", source=f"kejin:guides/{path.name}")]


def _load(
    platform: Platform, paths: Sequence[Path], read: Reader, progress: ProgressCallback
) -> LoadReport:
    report = progress
    started = time.perf_counter()
    documents: list[DocumentInput] = []
    for index, path in enumerate(paths, start=1):
        documents.extend(read(path))
        report(LoadStep.READ, index, len(paths))
    with platform.uow() as uow:
        repository = DocumentRepository(uow.session)
        known_ids, _ = repository.known_keys((d.external_id for d in documents), ())
        unknown = [d for d in documents if d.external_id not in known_ids]
        prepared = _prepare_all(unknown, report)
        report(LoadStep.STORE, 0, len(prepared))
        outcome = _store(repository, prepared)
        uow.commit()
    outcome = replace(
        outcome, skipped_existing=outcome.skipped_existing + len(documents) - len(unknown)
    )
    report(LoadStep.STORE, len(prepared), len(prepared))
    names = tuple(path.name for path in paths)
    return LoadReport(names, len(documents), outcome, time.perf_counter() - started)


def _prepare_all(
    documents: Sequence[DocumentInput], report: ProgressCallback
) -> list[PreparedDocument]:
    prepared = []
    for index, document in enumerate(documents, start=1):
        prepared.append(prepare(document))
        if index % _PREPARE_REPORT_EVERY == 0 or index == len(documents):
            report(LoadStep.PREPARE, index, len(documents))
    return prepared


def _store(repository: DocumentRepository, prepared: Sequence[PreparedDocument]) -> BatchOutcome:
    """Insert what is new; skip what is stored already or repeated within the batch."""
    fresh = _first_of_each(prepared)
    known_ids, known_hashes = repository.known_keys(
        (p.document.external_id for p in fresh), (p.content_hash for p in fresh)
    )
    new = [
        p
        for p in fresh
        if p.document.external_id not in known_ids and p.content_hash not in known_hashes
    ]
    ids = repository.insert(new) if new else {}
    refs = tuple(
        DocumentRef(
            ids[p.document.external_id], p.document.external_id, p.document.title, len(p.paragraphs)
        )
        for p in new
    )
    return BatchOutcome(
        added=len(new),
        paragraphs=sum(len(p.paragraphs) for p in new),
        characters=sum(len(p.document.text) for p in new),
        skipped_existing=len(fresh) - len(new),
        skipped_duplicates=len(prepared) - len(fresh),
        refs=refs,
    )


def _first_of_each(prepared: Sequence[PreparedDocument]) -> list[PreparedDocument]:
    """Drop repeats within a batch (same external id or same content), keeping the first."""
    seen_ids: set[str] = set()
    seen_hashes: set[str] = set()
    first = []
    for item in prepared:
        if item.document.external_id in seen_ids or item.content_hash in seen_hashes:
            continue
        seen_ids.add(item.document.external_id)
        seen_hashes.add(item.content_hash)
        first.append(item)
    return first


# Reads for the search index (kejin.search): plain rows, no ORM objects.

DocumentFieldsRow = tuple[int, str, str, str | None, str | None, Any, str | None, str, str]
_SEARCH_FIELDS = (
    DocumentRow.id,
    DocumentRow.external_id,
    DocumentRow.title,
    DocumentRow.issuer,
    DocumentRow.date_text,
    DocumentRow.published_on,
    DocumentRow.region,
    DocumentRow.kind,
    DocumentRow.language,
)


def library_state(platform: Platform) -> tuple[int, int, str | None]:
    """(documents stored, the highest document id, that document's external id)."""
    newest = (
        select(DocumentRow.external_id).order_by(DocumentRow.id.desc()).limit(1).scalar_subquery()
    )
    statement = select(func.count(), func.coalesce(func.max(DocumentRow.id), 0), newest)
    with platform.uow() as uow:
        count, highest, external_id = uow.session.execute(statement).one()
    return int(count), int(highest), external_id


def document_keys(platform: Platform) -> dict[int, str]:
    """Every stored document: id → external id."""
    with platform.uow() as uow:
        rows = uow.session.execute(select(DocumentRow.id, DocumentRow.external_id)).all()
    return {row[0]: row[1] for row in rows}


def documents_after(
    platform: Platform, after_id: int
) -> tuple[list[DocumentFieldsRow], list[tuple[int, int, str]]]:
    """Documents with an id above `after_id` — (id, external_id, title, issuer, date_text,
    published_on, region, kind, language) — and their paragraphs (document id, position,
    text), in id and position order."""
    paragraphs = (
        select(ParagraphRow.document_id, ParagraphRow.position, ParagraphRow.text)
        .where(ParagraphRow.document_id > after_id)
        .order_by(ParagraphRow.document_id, ParagraphRow.position)
    )
    with platform.uow() as uow:
        documents = uow.session.execute(
            select(*_SEARCH_FIELDS).where(DocumentRow.id > after_id).order_by(DocumentRow.id)
        ).all()
        rows = uow.session.execute(paragraphs).all()
    return [tuple(row) for row in documents], [tuple(row) for row in rows]  # type: ignore[misc]


def documents_by_id(platform: Platform, ids: Sequence[int]) -> dict[int, DocumentFieldsRow]:
    """The same fields as `documents_after` for the given document ids."""
    with platform.uow() as uow:
        rows = uow.session.execute(select(*_SEARCH_FIELDS).where(DocumentRow.id.in_(ids))).all()
    return {row[0]: tuple(row) for row in rows}  # type: ignore[misc]


def paragraph_texts(
    platform: Platform, cited: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """The text of each (document id, position) given that is stored."""
    if not cited:
        return {}
    # Two plain IN lists use the (document_id, position) index on every database; a row-value
    # IN is a full scan on SQLite. The few extra rows are dropped here.
    statement = select(ParagraphRow.document_id, ParagraphRow.position, ParagraphRow.text).where(
        ParagraphRow.document_id.in_({key[0] for key in cited}),
        ParagraphRow.position.in_({key[1] for key in cited}),
    )
    wanted = set(cited)
    with platform.uow() as uow:
        rows = uow.session.execute(statement).all()
    return {(row[0], row[1]): row[2] for row in rows if (row[0], row[1]) in wanted}


def document_references(
    platform: Platform, external_ids: Collection[str]
) -> dict[str, DocumentReference]:
    """The document number and source of each stored document named, for a results list."""
    if not external_ids:
        return {}
    statement = select(DocumentRow.external_id, DocumentRow.doc_no, DocumentRow.source).where(
        DocumentRow.external_id.in_(set(external_ids))
    )
    with platform.uow() as uow:
        rows = uow.session.execute(statement).all()
    return {row[0]: DocumentReference(row[1], row[2]) for row in rows}
