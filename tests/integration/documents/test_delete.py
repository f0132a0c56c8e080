"""Deleting documents and adding files of every format: the deletion log and the audit entry
are written with the deletion, ids are never handed out twice, uploads are audited, and a
refused file stores nothing while the others of a batch are stored."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kejin.audit.orm import AuditEntryRow
from kejin.bootstrap import Platform
from kejin.core.pagination import PageRequest
from kejin.documents import queries, service
from kejin.documents.errors import DocumentNotFound, InvalidDocument
from kejin.documents.model import DocumentFilter, DocumentInput, DocumentKind
from kejin.documents.orm import DocumentRow, ParagraphRow
from kejin.identity.model import Principal, Role
from tests.document_files import text_pdf, word_file
from tests.factories import create_user


def _notice(external_id: str, text: str) -> DocumentInput:
    return DocumentInput(
        external_id=external_id,
        title=f"通知 {external_id}",
        text=text,
        language="zh",
        kind=DocumentKind.POLICY,
        source="test",
        region="广东省",
        date_text="2025-02-03",
    )


def _count(platform: Platform, row: type[DocumentRow] | type[ParagraphRow]) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(row)) or 0


def _audit(platform: Platform) -> list[tuple[str, str, str]]:
    with platform.uow() as uow:
        rows = uow.session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq))
        return [(row.actor, row.action, row.subject_id) for row in rows]


def test_a_deletion_removes_the_paragraphs_and_is_logged_and_audited(platform: Platform) -> None:
    kept = service.add_document(platform.uow(), _notice("a", "第一条\n第二条"))
    gone = service.add_document(platform.uow(), _notice("b", "第一条　另文\n第二条　另文"))
    deleted = service.delete_document(platform.uow, "system:cli", "b")

    assert (deleted.id, deleted.external_id, deleted.paragraphs) == (gone.id, "b", 2)
    assert (_count(platform, DocumentRow), _count(platform, ParagraphRow)) == (1, 2)
    [entry] = queries.deletions_after(platform.uow, 0)
    assert (entry.seq, entry.document_id, entry.external_id) == (1, gone.id, "b")
    assert queries.deletions_after(platform.uow, entry.seq) == []
    assert _audit(platform) == [("system:cli", "document.delete", "b")]
    stored, paragraphs = queries.document_with_paragraphs(platform.uow, "a")
    assert (stored.id, [p.position for p in paragraphs]) == (kept.id, [1, 2])


def test_the_id_of_a_deleted_newest_document_is_never_given_again(platform: Platform) -> None:
    first = service.add_document(platform.uow(), _notice("a", "甲"))
    newest = service.add_document(platform.uow(), _notice("b", "乙"))
    service.delete_document(platform.uow, "system:cli", "b")
    later = service.add_document(platform.uow(), _notice("c", "丙"))
    assert first.id < newest.id < later.id


def test_deleting_an_unknown_document_is_refused_and_logs_nothing(platform: Platform) -> None:
    with pytest.raises(DocumentNotFound, match="nope"):
        service.delete_document(platform.uow, "system:cli", "nope")
    assert queries.deletions_after(platform.uow, 0) == []
    assert _audit(platform) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notice.txt", "---\ntitle: 贴息通知\n---\n第一条　贴息。\n第二条　补偿。".encode()),
        ("notice.md", "---\ntitle: 贴息通知\n---\n# 第一条\n第二条　补偿。".encode()),
        ("notice.html", "<title>贴息通知</title><p>第一条　贴息。</p><p>第二条</p>".encode()),
        ("notice.pdf", text_pdf([["Article 1 subsidy.", "Article 2 cover."]], title="Notice")),
        ("notice.docx", word_file(["第一条　贴息。", "第二条　补偿。"], title="贴息通知")),
    ],
)
def test_an_uploaded_file_of_each_format_is_stored_and_audited(
    platform: Platform, name: str, content: bytes
) -> None:
    user = create_user(platform, "platform_admin")
    admin = Principal(user_id=user, login="platform_admin", role=Role.PLATFORM_ADMIN)
    ref = service.upload_document(platform, admin, service.Upload(name, content), {})
    assert (ref.external_id, ref.paragraphs, ref.already_present) == ("notice", 2, False)
    again = service.upload_document(platform, admin, service.Upload(name, content), {"id": "x"})
    assert (again.id, again.already_present) == (ref.id, True)
    assert _audit(platform) == [("platform_admin", "document.add", "notice")]


def test_each_file_of_a_batch_is_stored_or_refused_on_its_own(
    platform: Platform, tmp_path: Path
) -> None:
    good = tmp_path / "good.docx"
    good.write_bytes(
        word_file(["第一条　贴息。"], title="好文件", created=datetime(2025, 1, 2, tzinfo=UTC))
    )
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(text_pdf([["Article 1."]])[:150])
    reports, refusals = service.add_files(platform, [bad, good])

    assert [(r.files, r.outcome.added) for r in reports] == [(("good.docx",), 1)]
    assert [(r.file, type(r.error)) for r in refusals] == [("bad.pdf", InvalidDocument)]
    page = queries.list_documents(platform.uow, DocumentFilter(), PageRequest())
    assert [(d.external_id, d.date_text) for d in page.items] == [("good", "2025-01-02")]


def test_the_list_filters_by_kind_language_issuer_region_and_days(platform: Platform) -> None:
    for number, (region, day) in enumerate([("广东省深圳市", "2024-06-01"), ("北京市", "2025")]):
        document = _notice(f"n{number}", f"第{number}条")
        service.add_document(
            platform.uow(),
            DocumentInput(**{**_fields(document), "region": region, "date_text": day}),
        )

    def ids(criteria: DocumentFilter) -> list[str]:
        page = queries.list_documents(platform.uow, criteria, PageRequest())
        return [d.external_id for d in page.items]

    assert ids(DocumentFilter()) == ["n1", "n0"]  # newest publication first
    assert ids(DocumentFilter(region="广东省")) == ["n0"]
    assert ids(DocumentFilter(published_until=date(2024, 12, 31))) == ["n0"]
    assert ids(DocumentFilter(kind=DocumentKind.LAW, language="zh")) == []
    assert ids(DocumentFilter(issuer="%")) == []


def _fields(document: DocumentInput) -> dict[str, object]:
    return {name: getattr(document, name) for name in DocumentInput.__slots__}
