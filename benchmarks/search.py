"""Search over the real corpus: index build, engine and HTTP query times, memory, precision.

    KEJIN_DATA_DIR=/tmp/kb KEJIN_DATABASE_URL=sqlite:////tmp/kb/kejin.db \\
        PYTHONPATH=src python -m benchmarks.search

Uses the database of the environment's settings; when it holds fewer than `--min-paragraphs`
paragraphs the real corpus (`<shared dir>/data/corpus`) is loaded first. Then:

- build: reads every paragraph from the database (timed apart), then segments (on every core)
  and indexes them into a fresh temporary folder (removed at the end), timed as one figure;
- a fresh process (spawned, so the build's memory is not counted) opens that index and runs the
  query set: its RSS before and after is the memory search adds; the engine time is tantivy
  alone (query built from the parsed query, top 10 collected and counted); the HTTP time is
  `GET /api/v1/search` through the application with snippets and a language filter;
- the query set: every glossary term and hand-kept term of the dictionary, and words of
  corpus titles (a two-word AND query per title), at least `--queries`;
- precision@10 proxy: the share of top-10 hits whose paragraph, normalised, contains every
  query word (each Chinese word as one unbroken string);
- 科技金融: whether each of its top 10 contains 科技金融 literally.

Prints figures and the 1-minute load average; no figure is asserted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import psutil
from fastapi.testclient import TestClient
from sqlalchemy import text

from kejin.bootstrap import Platform, bootstrap
from kejin.config import Settings, load_settings
from kejin.core.words import DICTIONARY_FILE
from kejin.documents import service as documents
from kejin.identity import demo as accounts
from kejin.identity.authentication import create_api_token
from kejin.identity.model import Principal, Role, TokenScope
from kejin.identity.schemas import ApiTokenCreate
from kejin.search import service
from kejin.search.index import DocumentFields, SearchIndex
from kejin.search.model import PageSpec, SearchFilters, parse_query
from kejin.search.segment import normalise, segment
from kejin.web.app import create_app

COMPOUND = "科技金融"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--min-paragraphs", type=int, default=150_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=20, help="runs of the query set (engine)")
    args = parser.parse_args()
    settings = load_settings()
    platform = bootstrap(settings)
    platform.migrate()
    paragraphs = sum(count.paragraphs for count in documents.document_counts(platform))
    if paragraphs < args.min_paragraphs:
        assert settings.shared_dir is not None, "no shared folder with the corpus"
        documents.load_corpus(platform, settings.shared_dir / "data" / "corpus")
    folder = Path(tempfile.mkdtemp(prefix="kejin-search-"))
    started = time.perf_counter()
    fields, rows = service._rows(platform, 0)
    read = time.perf_counter() - started
    started = time.perf_counter()
    SearchIndex(folder / "search").write(
        fields,
        rows,
        (),
        service._watermark({f.document_id: f.external_id for f in fields}),
        replace_all=True,
    )
    build = time.perf_counter() - started
    print(f"passages: {len(rows):,} paragraphs of {len(fields):,} documents")
    print(f"read from the database: {read:.1f} s; segment + index (both cores): {build:.1f} s")
    queries = _query_set(fields, args.queries)
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        figures = pool.apply(_measure, (settings, folder, queries, args.repeat))
    for line in figures:
        print(line)
    print(f"load average (1 min): {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    platform.dispose()
    shutil.rmtree(folder)


def _query_set(fields: list[DocumentFields], wanted: int) -> list[str]:
    data = json.loads(DICTIONARY_FILE.read_text(encoding="utf-8"))
    queries = list(dict.fromkeys([*data["glossary"], *data["hand_kept"]]))
    for document in fields[:: max(1, len(fields) // wanted)]:
        words = [w for w in segment(document.title) if len(w) >= 2 and w != "|"]
        if len(words) >= 2:
            queries.append(f"{words[0]} {words[-1]}")
    return queries


def _measure(settings: Settings, folder: Path, queries: list[str], repeat: int) -> list[str]:
    process = psutil.Process()
    before = process.memory_info().rss
    platform = bootstrap(Settings(folder, settings.database_url, "test", settings.shared_dir))
    index = service._index(platform)
    parsed = [parse_query(q, segment) for q in queries]
    none = SearchFilters()
    engine: list[float] = []
    for _ in range(repeat):
        for query in parsed:
            tantivy_query = index.query(query, none)
            searcher = index.index.searcher()
            started = time.perf_counter()
            searcher.search(tantivy_query, limit=10)
            engine.append((time.perf_counter() - started) * 1000)
    precise, shown = 0, 0
    for query_text in queries:
        page = service.search(platform, query_text, none, PageSpec(1, 10))
        words = [normalise(w) for w in query_text.split()]
        for hit in page.hits:
            paragraph = _paragraph(platform, hit.external_id, hit.position)
            shown += 1
            precise += all(w in normalise(paragraph) for w in words)
    compound = service.search(platform, COMPOUND, none, PageSpec(1, 10))
    compound_right = sum(
        COMPOUND in _paragraph(platform, h.external_id, h.position) for h in compound.hits
    )
    http = _http(platform, queries)
    after = process.memory_info().rss
    return [
        f"engine query (top 10, {len(engine):,} runs): p50 {_p(engine, 50):.3f} ms, "
        f"p95 {_p(engine, 95):.3f} ms",
        f"HTTP search with snippets and a filter: p50 {_p(http, 50):.2f} ms, "
        f"p95 {_p(http, 95):.2f} ms",
        f"added memory (open index, queries, HTTP): {(after - before) / 2**20:.0f} MB",
        f"precision@10 proxy over {len(queries)} queries: {precise / max(shown, 1):.3f} "
        f"({shown} hits)",
        f"{COMPOUND}: {compound_right} of top {len(compound.hits)} contain it "
        f"({compound.total:,} paragraphs match)",
    ]


def _paragraph(platform: Platform, external_id: str, position: int) -> str:
    with platform.engine.connect() as connection:
        return str(
            connection.execute(
                text(
                    "select p.text from paragraphs p join documents d on d.id = p.document_id"
                    " where d.external_id = :e and p.position = :p"
                ),
                {"e": external_id, "p": position},
            ).scalar_one()
        )


def _http(platform: Platform, queries: list[str]) -> list[float]:
    seeded = accounts.seed_demo_accounts(platform.uow, [])
    admin = next(a for a in seeded.accounts if a.login == "admin")
    actor = Principal(admin.user_id, admin.login, Role.PLATFORM_ADMIN)
    form = ApiTokenCreate(name="search-benchmark", scopes=[TokenScope.REGISTRY_READ], days=1)
    headers = {"Authorization": f"Bearer {create_api_token(platform.uow, actor, form).token}"}
    timings: list[float] = []
    with TestClient(create_app(platform)) as client:
        for query in queries * 3:
            started = time.perf_counter()
            response = client.get(
                "/api/v1/search", params={"q": query, "language": "zh"}, headers=headers
            )
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
    return timings


def _p(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100)[percent - 1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    main()
