"""Loading the real corpus, read in place from ../shared (never copied into the repository):
a slice for speed, idempotency, kinds from the upstream folders, one full file, the seed page."""

import json
from itertools import islice
from pathlib import Path

import pytest
from sqlalchemy import select

from kejin.bootstrap import Platform
from kejin.config import Settings, load_settings
from kejin.documents import service
from kejin.documents.model import LoadStep
from kejin.documents.orm import DocumentRow, ParagraphRow


@pytest.fixture
def corpus_dir(settings: Settings) -> Path:
    """The corpus under the test settings' shared dir, else where `load_settings` finds it
    (`KEJIN_SHARED_DIR`, or a `shared` folder beside a parent of the working directory)."""
    shared_dir = settings.shared_dir or load_settings().shared_dir
    if shared_dir is None:
        pytest.skip("the shared corpus folder (../shared/data/corpus) is not present")
    return shared_dir / "data" / "corpus"


@pytest.fixture
def corpus_slice(corpus_dir: Path, tmp_path: Path) -> Path:
    """The first 200 policy documents and the first 10 reports, in a temporary folder."""
    for name, count in (("policy_docs.jsonl", 200), ("government_work_reports.jsonl", 10)):
        with (corpus_dir / name).open(encoding="utf-8") as source:
            (tmp_path / name).write_text("".join(islice(source, count)), encoding="utf-8")
    return tmp_path


def test_a_corpus_slice_loads_every_document_with_its_paragraphs(
    platform: Platform, corpus_slice: Path
) -> None:
    events: list[tuple[str, int, int | None]] = []
    report = service.load_corpus(platform, corpus_slice, lambda *event: events.append(event))
    expected = _expected_paragraphs(corpus_slice)
    assert report.documents_read == report.outcome.added == 210
    assert report.outcome.paragraphs == sum(expected.values())
    assert [step for step, _, _ in events][:2] == [LoadStep.READ, LoadStep.READ]
    assert events[-1] == (LoadStep.STORE, 210, 210)
    with platform.uow() as uow:
        stored = dict(
            uow.session.execute(
                select(
                    DocumentRow.external_id,
                    select(ParagraphRow.position)
                    .where(ParagraphRow.document_id == DocumentRow.id)
                    .order_by(ParagraphRow.position.desc())
                    .limit(1)
                    .scalar_subquery(),
                )
            ).all()
        )
    assert stored == expected


def test_loading_the_corpus_again_adds_nothing(platform: Platform, corpus_slice: Path) -> None:
    service.load_corpus(platform, corpus_slice)
    again = service.load_corpus(platform, corpus_slice)
    assert (again.outcome.added, again.outcome.skipped_existing) == (0, 210)


def test_kinds_and_levels_come_from_the_upstream_folders_and_regions(
    platform: Platform, corpus_slice: Path
) -> None:
    service.load_corpus(platform, corpus_slice)
    with platform.uow() as uow:
        rows = uow.session.execute(select(DocumentRow.kind, DocumentRow.level)).all()
    kinds = {kind for kind, _ in rows}
    assert {"government_report", "local_regulation"} <= kinds
    assert {level for _, level in rows} <= {"national", "provincial", "municipal", None}


def test_the_full_government_reports_file_loads(
    platform: Platform, corpus_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "government_work_reports.jsonl").symlink_to(
        corpus_dir / "government_work_reports.jsonl"
    )
    report = service.load_corpus(platform, tmp_path)
    assert report.outcome.added == 72
    counts = {(c.kind, c.language): c.documents for c in service.document_counts(platform)}
    assert counts == {("government_report", "zh"): 72}


def _expected_paragraphs(directory: Path) -> dict[str, int]:
    """Independent count: non-blank lines of each text after stripping."""
    counts = {}
    for path in directory.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text = record["text"].replace("\r\n", "\n").replace("\u200b", "")
            counts[record["id"]] = sum(1 for part in text.split("\n") if part.strip())
    return counts


def test_the_seed_search_page_loads_as_two_news_documents_once(
    platform: Platform, corpus_dir: Path
) -> None:
    seed_dir = corpus_dir.parent / "seed"
    first = service.load_search_pages(platform, seed_dir)
    again = service.load_search_pages(platform, seed_dir)
    assert (first.outcome.added, again.outcome.skipped_existing) == (2, 2)
    counts = {(c.kind, c.language): c.documents for c in service.document_counts(platform)}
    assert counts == {("news", "zh"): 1, ("news", "en"): 1}
