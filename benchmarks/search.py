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
- 科技金融: whether each of its top 10 contains 科技金融 literally;
- the judged set (`tests/data/judged-queries.json`): precision@5 and nDCG@10 of the document
  ranking (`SearchIndex.best_documents`: each document's best paragraphs) over the corpus's
  documents — the set judges the corpus, so guides and news stored beside it are left out.

`--peers` (`pip install -e '.[bench]'`) then runs the peers of `benchmarks/search_peers.py`
on the same paragraphs in the same run, in a fresh process whose rjieba has no domain
dictionary (rjieba out of the box): the paragraphs are tokenised once on both cores (its time
is part of each peer's build, except Whoosh's, which tokenises with jieba itself), and each
peer is built and queried in a process forked for it, so its added memory is its own. A
peer's query is the OR of the query's words; its document ranking for the judged set is the
distinct documents of its best 100 paragraphs, in hit order. `--whoosh` adds Whoosh (minutes).
Last, one table for all: build, query p50/p95, added memory, proxy, 科技金融, judged figures.

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
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil
from fastapi.testclient import TestClient
from sqlalchemy import text

from benchmarks import search_peers
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
from kejin.search.relevance import JudgedQuery, distinct_in_order, evaluate, read_judged
from kejin.search.segment import normalise, segment
from kejin.web.app import create_app

COMPOUND = "科技金融"
JUDGED = Path(__file__).resolve().parents[1] / "tests" / "data" / "judged-queries.json"
PEER_POOL = 100  # a peer's best paragraphs collapsed into its document ranking
PEER_REPEAT = 3  # runs of the query set per peer


@dataclass(frozen=True, slots=True)
class Row:
    """One engine's line of the table."""

    name: str
    build: float
    p50: float
    p95: float
    added_mb: float
    proxy: float
    compound: str
    precision: float
    ndcg: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--min-paragraphs", type=int, default=150_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=20, help="runs of the query set (engine)")
    parser.add_argument("--peers", action="store_true", help="the peers on the same paragraphs")
    parser.add_argument("--whoosh", action="store_true", help="with --peers: Whoosh too (slow)")
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
    print(f"load average (1 min): {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    queries = _query_set(fields, args.queries)
    judged = read_judged(JUDGED)
    corpus = _corpus_ids(settings)
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        figures, ours = pool.apply(
            _measure, (settings, folder, queries, args.repeat, judged, corpus)
        )
    for line in figures:
        print(line)
    print(f"load average (1 min): {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    table = [replace_build(ours, build)]
    if args.peers:
        external = {f.document_id: f.external_id for f in fields}
        passages = [row.text for row in rows]
        # the judged set covers the corpus: other documents (guides, news) are left out of the
        # peers' document rankings as of Kejin's
        documents_of = [
            external[row.document_id] if external[row.document_id] in corpus else "" for row in rows
        ]
        # not a Pool: its workers are daemons, and the peers' stage starts processes of its own
        with ProcessPoolExecutor(1, mp_context=context) as stage:
            peers = stage.submit(_peer_rows, passages, documents_of, queries, judged, args.whoosh)
            table += peers.result()
        print(f"load average (1 min): {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    _print_table(table, len(rows))
    platform.dispose()
    shutil.rmtree(folder)


def replace_build(row: Row, build: float) -> Row:
    return Row(row.name, build, *(getattr(row, name) for name in Row.__slots__[2:]))


def _print_table(table: Sequence[Row], passages: int) -> None:
    print(f"\none run, {passages:,} paragraphs (OR queries for the peers, AND for Kejin)")
    print(
        "| engine | build s | query p50 ms | query p95 ms | added MB | proxy P@10 "
        f"| {COMPOUND} | judged P@5 | judged nDCG@10 |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---:|---:|")
    for row in table:
        print(
            f"| {row.name} | {row.build:.1f} | {row.p50:.3f} | {row.p95:.3f} | "
            f"{row.added_mb:.0f} | {row.proxy:.3f} | {row.compound} | {row.precision:.3f} | "
            f"{row.ndcg:.3f} |"
        )


def _query_set(fields: list[DocumentFields], wanted: int) -> list[str]:
    data = json.loads(DICTIONARY_FILE.read_text(encoding="utf-8"))
    queries = list(dict.fromkeys([*data["glossary"], *data["hand_kept"]]))
    for document in fields[:: max(1, len(fields) // wanted)]:
        words = [w for w in segment(document.title) if len(w) >= 2 and w != "|"]
        if len(words) >= 2:
            queries.append(f"{words[0]} {words[-1]}")
    return queries


def _corpus_ids(settings: Settings) -> frozenset[str]:
    """The external ids of the real corpus, which the judged set covers."""
    assert settings.shared_dir is not None, "no shared folder with the corpus"
    folder = settings.shared_dir / "data" / "corpus"
    return frozenset(
        json.loads(line)["id"]
        for name in documents.CORPUS_FILES
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    )


def _measure(  # noqa: PLR0917 — Pool.apply passes the arguments by position
    settings: Settings,
    folder: Path,
    queries: list[str],
    repeat: int,
    judged: list[JudgedQuery],
    corpus: frozenset[str],
) -> tuple[list[str], Row]:
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
    ranked = evaluate(
        judged,
        lambda query: [
            external
            for document_id, _ in index.best_documents(parse_query(query, segment), none, 40)
            if (external := index.documents[document_id]) in corpus
        ][:10],
    )
    http = _http(platform, queries)
    after = process.memory_info().rss
    right = compound_right == len(compound.hits) > 0
    row = Row(
        "Kejin (tantivy + rjieba, domain words)",
        0.0,
        _p(engine, 50),
        _p(engine, 95),
        (after - before) / 2**20,
        precise / max(shown, 1),
        f"{'yes' if right else 'no'} ({compound_right}/{len(compound.hits)})",
        ranked.precision,
        ranked.ndcg,
    )
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
        f"judged set ({len(judged)} queries): precision@5 {ranked.precision:.3f}, "
        f"nDCG@10 {ranked.ndcg:.3f}",
    ], row


# The peers' stage runs in a fresh (spawned) process; each peer in a process forked from it.
_passages: list[str] = []
_tokens: list[list[str]] = []


def _peer_rows(
    passages: list[str],
    documents_of: list[str],
    queries: list[str],
    judged: list[JudgedQuery],
    whoosh: bool,
) -> list[Row]:
    global _passages, _tokens  # inherited by the forked peer processes
    started = time.perf_counter()
    _passages, _tokens = passages, search_peers.segment_all(passages, search_peers.cores())
    tokenise = time.perf_counter() - started
    print(f"peers: tokenised {len(passages):,} paragraphs on both cores in {tokenise:.1f} s")
    folded = [normalise(text) for text in passages]
    rows = []
    fork = multiprocessing.get_context("fork")
    for peer in search_peers.peers(whoosh):
        with ProcessPoolExecutor(1, mp_context=fork) as alone:
            figures = alone.submit(_peer_run, peer, queries, judged, documents_of).result()
        build, timings, added, hits, compound, rankings = figures
        words = {query: [normalise(w) for w in query.split()] for query in queries}
        precise = sum(all(w in folded[i] for w in words[q]) for q, found in hits for i in found)
        shown = sum(len(found) for _, found in hits)
        right = sum(COMPOUND in passages[i] for i in compound)
        ranked = evaluate(judged, rankings.__getitem__)
        tokenised = 0.0 if peer.name.startswith("Whoosh") else tokenise
        rows.append(
            Row(
                peer.name,
                build + tokenised,
                _p(timings, 50),
                _p(timings, 95),
                added,
                precise / max(shown, 1),
                f"{'yes' if right == len(compound) > 0 else 'no'} ({right}/{len(compound)})",
                ranked.precision,
                ranked.ndcg,
            )
        )
        print(f"{peer.name}: built in {build:.1f} s (+ tokenising), load {os.getloadavg()[0]:.2f}")
    return rows


def _peer_run(
    engine: search_peers.Peer,
    queries: list[str],
    judged: list[JudgedQuery],
    documents_of: list[str],
) -> tuple[float, list[float], float, list[tuple[str, list[int]]], list[int], dict[str, list[str]]]:
    process = psutil.Process()
    before = process.memory_info().rss
    started = time.perf_counter()
    engine.build(_passages, _tokens)
    build = time.perf_counter() - started
    words = {query: search_peers.segment(query) for query in [*queries, COMPOUND]}
    timings: list[float] = []
    hits: list[tuple[str, list[int]]] = []
    for _ in range(PEER_REPEAT):
        hits = []
        for query in queries:
            started = time.perf_counter()
            found = engine.search(words[query], 10)
            timings.append((time.perf_counter() - started) * 1000)
            hits.append((query, found))
    compound = engine.search(words[COMPOUND], 10)
    rankings = {}
    for item in judged:
        found = engine.search(search_peers.segment(item.query), PEER_POOL)
        in_corpus = (documents_of[i] for i in found if documents_of[i])
        rankings[item.query] = distinct_in_order(in_corpus)[:10]
    added = (process.memory_info().rss - before) / 2**20
    close = getattr(engine, "close", None)
    if close is not None:
        close()
    return build, timings, added, hits, compound, rankings


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
