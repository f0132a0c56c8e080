"""Topics over a stored library, on SQLite and PostgreSQL: creating one collects what its query
finds, a document added later arrives as new on the next refresh, a deleted one leaves, a
re-run adds nothing twice, opening a topic refreshes it only when the library changed, and an
edit at the version read renames it or collects again for a new query (audited)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kejin.audit.orm import AuditEntryRow
from kejin.bootstrap import Platform
from kejin.cli import main
from kejin.documents import service as documents
from kejin.documents.model import DocumentInput, DocumentKind
from kejin.documents.queries import document_with_paragraphs
from kejin.identity.model import Principal, Role
from kejin.topics import service
from kejin.topics.errors import InvalidTopic, TopicChanged, TopicExists, TopicNotFound
from kejin.topics.model import topic_spec

QUERY = "科技金融 OR 投贷联动"


def _document(external_id: str, text: str, date_text: str = "2024-05-01") -> DocumentInput:
    return DocumentInput(
        external_id=external_id,
        title=f"文件{external_id}",
        text=text,
        language="zh",
        kind=DocumentKind.POLICY,
        source="test",
        issuer="科技部",
        date_text=date_text,
    )


@pytest.fixture
def library(platform: Platform, tmp_path: Path) -> Platform:
    """Three documents, two about technology finance; the search index in its own folder."""
    own = Platform(replace(platform.settings, data_dir=tmp_path), platform.engine)
    for document in (
        _document(
            "tf",
            "总则\n大力发展科技金融，支持科技型中小企业通过知识产权质押获得更多贷款。\n"
            "鼓励银行发展科技金融，设立科技支行并建立风险补偿资金池。",
        ),
        _document(
            "link",
            "投贷联动\n银行与投资机构开展投贷联动试点，为初创企业提供股债结合的融资。",
            "2023-01-01",
        ),
        _document("farm", "农业\n发展现代农业，保障粮食安全。"),
    ):
        documents.add_document(own.uow(), document)
    return own


def _held(platform: Platform, slug: str) -> dict[str, bool]:
    return {h.document.external_id: h.new for h in service.topic_detail(platform, slug).documents}


def test_creating_a_topic_collects_the_documents_its_query_finds(library: Platform) -> None:
    created = service.create_topic(library, topic_spec("科技金融", QUERY, slug="tf"), "analyst")
    assert (created.slug, created.documents, created.new, created.version) == ("tf", 2, 0, 1)
    detail = service.topic_detail(library, "tf")
    assert [h.document.external_id for h in detail.documents] in (["tf", "link"], ["link", "tf"])
    best = {h.document.external_id: h.document for h in detail.documents}
    assert (best["tf"].paragraphs, best["tf"].title, best["tf"].issuer) == (2, "文件tf", "科技部")
    assert best["link"].position in {1, 2}
    assert not any(h.new for h in detail.documents)


def test_a_matching_document_added_later_is_new_on_the_next_refresh_and_once_only(
    library: Platform,
) -> None:
    service.create_topic(library, topic_spec("科技金融", QUERY, slug="tf"), "analyst")
    documents.add_document(library.uow(), _document("later", "新规\n完善科技金融服务体系。"))
    refreshed = service.refresh_topic(library, "tf")
    again = service.refresh_topic(library, "tf")
    assert (refreshed.added, refreshed.documents) == (1, 3)
    assert (again.added, again.documents) == (0, 3)
    assert _held(library, "tf") == {"tf": False, "link": False, "later": True}
    [listed] = service.list_topics(library)
    assert (listed.documents, listed.new, listed.version) == (3, 1, 3)
    digest = service.topic_digest(library, "tf")
    assert [e.document.external_id for e in digest.new] == ["later"]
    assert service.topic_digest(library, "tf", listed.created_at + timedelta(days=1)).new == ()


def test_opening_a_topic_refreshes_it_only_when_the_library_changed(library: Platform) -> None:
    service.create_topic(library, topic_spec("科技金融", QUERY, slug="tf"), "analyst")
    assert service.refresh_if_stale(library, "tf") is None
    documents.add_document(library.uow(), _document("later", "投贷联动\n开展投贷联动。"))
    assert _held(library, "tf")["later"] is True
    assert service.refresh_if_stale(library, "tf") is None
    assert service.topic(library, "tf").version == 2


def test_a_document_deleted_from_the_library_drops_out_and_the_others_stay(
    library: Platform,
) -> None:
    service.create_topic(library, topic_spec("科技金融", QUERY, slug="tf"), "analyst")
    documents.delete_document(library.uow, "admin", "link")
    assert service.topic(library, "tf").documents == 1
    assert _held(library, "tf") == {"tf": False}
    assert service.refresh_topic(library, "tf").documents == 1


def test_the_digest_quotes_the_best_paragraphs_and_cites_the_briefs(library: Platform) -> None:
    service.create_topic(library, topic_spec("科技金融", QUERY, slug="tf"), "analyst")
    digest = service.topic_digest(library, "tf")
    assert {e.document.external_id for e in digest.entries} == {"tf", "link"}
    cited = [(s.external_id, s.position) for s in digest.sources]
    assert len(cited) == len(set(cited)) > 0
    for entry in digest.entries:
        assert entry.passage is not None
        quoted = digest.sources[entry.passage.source - 1]
        assert (quoted.external_id, quoted.position) == (
            entry.document.external_id,
            entry.document.position,
        )
        for point in (entry.passage, *entry.points):
            source = digest.sources[point.source - 1]
            assert source.external_id == entry.document.external_id
            _, paragraphs = documents_text(library, source.external_id)
            assert point.text in paragraphs[source.position - 1]


def documents_text(platform: Platform, external_id: str) -> tuple[str, list[str]]:
    stored, paragraphs = document_with_paragraphs(platform.uow, external_id)
    return stored.title, [p.text for p in paragraphs]


def test_filters_narrow_what_a_topic_collects(library: Platform) -> None:
    spec = topic_spec("近期", QUERY, {"from": "2024-01-01"}, slug="recent")
    assert service.create_topic(library, spec, "analyst").documents == 1
    assert service.topic(library, "recent").filters == {"from": "2024-01-01"}


def test_a_taken_slug_and_a_query_without_words_are_refused_and_store_nothing(
    library: Platform,
) -> None:
    service.create_topic(library, topic_spec("科技金融", QUERY, slug="tf"), "analyst")
    with pytest.raises(TopicExists):
        service.create_topic(library, topic_spec("Other", "农业", slug="tf"), "analyst")
    with pytest.raises(InvalidTopic) as refused:
        service.create_topic(library, topic_spec("Empty", "、", slug="empty"), "analyst")
    assert refused.value.field == "query"
    assert [t.slug for t in service.list_topics(library)] == ["tf"]
    with pytest.raises(TopicNotFound):
        service.refresh_topic(library, "empty")


def test_the_topic_commands_add_list_refresh_and_print_the_digest(
    library: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = library.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("KEJIN_DATABASE_URL", url)
    monkeypatch.setenv("KEJIN_DATA_DIR", str(library.settings.data_dir))
    runner = CliRunner()
    added = runner.invoke(main, ["docs", "topic", "add", "科技金融", "-q", QUERY, "--slug", "tf"])
    assert added.exit_code == 0, added.output
    assert "tf: 科技金融 — 2 documents" in added.output
    listed = runner.invoke(main, ["docs", "topic", "list"])
    assert listed.output.startswith("tf\t2 (0 new)\t科技金融")
    refreshed = runner.invoke(main, ["docs", "topic", "refresh", "--all"])
    assert "tf: 0 added, 2 documents" in refreshed.output
    markdown = runner.invoke(main, ["docs", "topic", "digest", "tf", "--markdown"])
    assert markdown.output.startswith("# 科技金融\n")
    assert "## Sources" in markdown.output
    as_json = runner.invoke(main, ["docs", "topic", "digest", "tf", "--json"])
    assert '"sources"' in as_json.output
    missing = runner.invoke(main, ["docs", "topic", "show", "nope"])
    assert missing.exit_code == 1
    assert "No topic has the slug nope" in missing.output
    usage = runner.invoke(main, ["docs", "topic", "refresh"])
    assert usage.exit_code == 2


ANALYST = Principal(user_id=None, login="analyst", role=Role.GOVERNMENT_ANALYST)


def _edits(platform: Platform) -> list[tuple[str, dict[str, object]]]:
    statement = (
        select(AuditEntryRow.subject_id, AuditEntryRow.detail)
        .where(AuditEntryRow.action == service.EDITED)
        .order_by(AuditEntryRow.seq)
    )
    with platform.uow() as uow:
        return [(row[0], dict(row[1] or {})) for row in uow.session.execute(statement)]


def test_a_new_query_collects_again_documents_leave_and_new_ones_arrive(
    library: Platform,
) -> None:
    created = service.create_topic(library, topic_spec("科技金融", QUERY, slug="tf"), "analyst")
    spec = topic_spec("农业与科技金融", "科技金融 OR 农业", slug="tf")
    edited = service.edit_topic(library, ANALYST, "tf", spec, created.version)
    assert (edited.added, edited.removed) == (1, 1)
    assert (edited.topic.name, edited.topic.query, edited.topic.version) == (
        "农业与科技金融",
        "科技金融 OR 农业",
        created.version + 1,
    )
    # tf stays with its first sighting, farm comes in as new, link left
    assert _held(library, "tf") == {"tf": False, "farm": True}
    assert _edits(library) == [
        ("tf", {"version": 2, "changed": ["name", "query"], "added": 1, "removed": 1})
    ]


def test_a_rename_keeps_the_documents_and_a_stale_version_writes_nothing(
    library: Platform,
) -> None:
    created = service.create_topic(library, topic_spec("科技金融", QUERY, slug="tf"), "analyst")
    renamed = service.edit_topic(
        library, ANALYST, "tf", topic_spec("Tech finance", QUERY, slug="tf"), created.version
    )
    assert (renamed.added, renamed.removed, renamed.topic.documents) == (0, 0, 2)
    with pytest.raises(TopicChanged) as stale:
        service.edit_topic(
            library, ANALYST, "tf", topic_spec("Other", "农业", slug="tf"), created.version
        )
    assert stale.value.params["version"] == renamed.topic.version
    after = service.topic(library, "tf")
    assert (after.name, after.query, after.documents) == ("Tech finance", QUERY, 2)
    assert [detail["changed"] for _, detail in _edits(library)] == [["name"]]
