"""Adding single documents and loading the guides: stable paragraph positions, duplicates by
content, conflicts by id, idempotent loads, one transaction per use case."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kejin.bootstrap import Platform
from kejin.documents import service
from kejin.documents.errors import DocumentConflict, InvalidDocument
from kejin.documents.model import DocumentInput, DocumentKind
from kejin.documents.orm import DocumentRow, ParagraphRow

NOTICE = DocumentInput(
    external_id="sz-2025-001",
    title="深圳市科技金融若干措施",
    text=(
        "第一条　支持科技型中小企业首贷。\n\n"
        "第二条　设立风险补偿资金池。\r\n"
        "第三条　本措施自发布之日起施行。"
    ),
    language="zh",
    kind=DocumentKind.POLICY,
    source="test",
    date_text="2025",
    region="广东省深圳市",
    tags=("首贷", "风险补偿"),
)


def _paragraphs(platform: Platform, document_id: int) -> list[tuple[int, str]]:
    with platform.uow() as uow:
        query = (
            select(ParagraphRow.position, ParagraphRow.text)
            .where(ParagraphRow.document_id == document_id)
            .order_by(ParagraphRow.position)
        )
        return [(position, text) for position, text in uow.session.execute(query)]


def _count(platform: Platform, row: type[DocumentRow] | type[ParagraphRow]) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(row)) or 0


def test_a_document_is_stored_with_numbered_paragraphs_and_its_metadata(
    platform: Platform,
) -> None:
    ref = service.add_document(platform.uow(), NOTICE)
    assert (ref.paragraphs, ref.already_present) == (3, False)
    assert _paragraphs(platform, ref.id) == [
        (1, "第一条　支持科技型中小企业首贷。"),
        (2, "第二条　设立风险补偿资金池。"),
        (3, "第三条　本措施自发布之日起施行。"),
    ]
    with platform.uow() as uow:
        row = uow.session.get_one(DocumentRow, ref.id)
        stored = (row.level, row.date_text, row.published_on, row.tags, row.kind)
    assert stored == ("municipal", "2025", date(2025, 1, 1), ["首贷", "风险补偿"], "policy")


def test_the_same_content_again_is_reported_as_already_present(platform: Platform) -> None:
    first = service.add_document(platform.uow(), NOTICE)
    layout_only = NOTICE.text.replace("\n\n", "\n") + "\n"
    again = service.add_document(
        platform.uow(),
        DocumentInput(**{**_fields(NOTICE), "external_id": "b", "text": layout_only}),
    )
    assert (again.id, again.already_present, again.paragraphs) == (first.id, True, 3)
    assert _count(platform, DocumentRow) == 1


def test_a_taken_id_with_different_content_is_a_conflict_and_stores_nothing(
    platform: Platform,
) -> None:
    service.add_document(platform.uow(), NOTICE)
    changed = DocumentInput(**{**_fields(NOTICE), "text": "第一条　另一份文件。"})
    with pytest.raises(DocumentConflict, match="sz-2025-001"):
        service.add_document(platform.uow(), changed)
    assert (_count(platform, DocumentRow), _count(platform, ParagraphRow)) == (1, 3)


def test_the_guides_load_in_both_languages_and_a_second_load_adds_nothing(
    platform: Platform,
) -> None:
    first = service.load_guides(platform)
    second = service.load_guides(platform)
    assert (first.outcome.added, first.outcome.skipped_existing) == (22, 0)
    assert (second.outcome.added, second.outcome.skipped_existing) == (0, 22)
    counts = {(c.kind, c.language): c.documents for c in service.document_counts(platform)}
    assert counts == {("guide", "zh"): 11, ("guide", "en"): 11}


def test_a_refused_file_stores_nothing(platform: Platform, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"id": "a", "title": "标题", "language": "zh", "source": "t", "text": "正文"}\n'
        '{"id": "b", "title": "", "language": "zh", "source": "t", "text": "正文二"}\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidDocument) as caught:
        service.add_file(platform, path)
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "title")]
    assert _count(platform, DocumentRow) == 0


def test_a_markdown_file_is_added_with_metadata_options(platform: Platform, tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("## 要点\n- 首贷贴息\n", encoding="utf-8")
    report = service.add_file(platform, path, {"title": "备忘", "kind": "policy", "tags": ["贴息"]})
    assert (report.outcome.added, report.outcome.paragraphs) == (1, 2)
    assert _paragraphs(platform, report.outcome.refs[0].id) == [(1, "要点"), (2, "- 首贷贴息")]


def _fields(document: DocumentInput) -> dict[str, object]:
    return {name: getattr(document, name) for name in DocumentInput.__slots__}
