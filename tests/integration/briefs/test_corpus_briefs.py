"""Briefs of stored documents: every citation of the briefs of a slice of the real corpus
(read in place from ../shared, skipped when absent) resolves to a stored paragraph holding the
cited text; an unknown id is refused."""

import json
from itertools import islice
from pathlib import Path

import pytest
from sqlalchemy import select

from kejin.bootstrap import Platform
from kejin.briefs import service
from kejin.config import Settings, load_settings
from kejin.documents import service as documents
from kejin.documents.errors import DocumentNotFound
from kejin.documents.orm import DocumentRow, ParagraphRow

SLICE = (("policy_docs.jsonl", 45), ("government_work_reports.jsonl", 5))


@pytest.fixture
def corpus_slice(settings: Settings, tmp_path: Path) -> Path:
    """50 real documents of every kind at hand: the first policy documents and reports."""
    shared_dir = settings.shared_dir or load_settings().shared_dir
    if shared_dir is None or not (shared_dir / "data" / "corpus").is_dir():
        pytest.skip("the shared corpus folder (../shared/data/corpus) is not present")
    for name, count in SLICE:
        with (shared_dir / "data" / "corpus" / name).open(encoding="utf-8") as source:
            (tmp_path / name).write_text("".join(islice(source, count)), encoding="utf-8")
    return tmp_path


def stored_paragraphs(platform: Platform) -> dict[tuple[str, int], str]:
    with platform.uow() as uow:
        rows = uow.session.execute(
            select(DocumentRow.external_id, ParagraphRow.position, ParagraphRow.text).join(
                ParagraphRow, ParagraphRow.document_id == DocumentRow.id
            )
        )
        return {(external_id, position): text for external_id, position, text in rows}


def test_every_citation_of_a_corpus_slice_resolves_to_its_paragraph(
    platform: Platform, corpus_slice: Path
) -> None:
    documents.load_corpus(platform, corpus_slice)
    paragraphs = stored_paragraphs(platform)
    ids = [
        json.loads(line)["id"]
        for name, _ in SLICE
        for line in (corpus_slice / name).read_text(encoding="utf-8").splitlines()
    ]
    cited = 0
    for external_id in ids:
        brief = service.brief_read(platform.uow, external_id)
        assert brief.document.external_id == external_id
        assert brief.key_points, external_id
        items = [*brief.key_points, *(b for s in brief.sections for b in s.bullets)]
        for item in [*items, *brief.figures]:
            key = (item.citation.external_id, item.citation.position)
            assert item.text in paragraphs[key], (external_id, key, item.text)
            cited += 1
        numbered = [(c.external_id, c.position) for c in brief.sources]
        assert len(set(numbered)) == len(numbered)
        assert [c.source for c in brief.sources] == list(range(1, len(numbered) + 1))
        assert len({b.text for b in items}) == len(items), external_id
    assert cited > len(ids) * 3


def test_an_unknown_document_has_no_brief(platform: Platform) -> None:
    with pytest.raises(DocumentNotFound):
        service.brief_read(platform.uow, "no-such-id")
