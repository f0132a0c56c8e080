"""Peer search engines for the search benchmark, built and queried on the same passages.

Every peer indexes the same passage texts, segmented by rjieba (Whoosh: by jieba's own
analyser, as Whoosh users do), and answers a query as the OR of its words ranked by BM25 — how
each is typically used. They are here to be measured beside Kejin's engine in one run, not used
by Kejin. Install them with `pip install -e '.[bench]'`.

    SQLite FTS5   contentless FTS5 table over the space-joined tokens, `ORDER BY rank`
    bm25s         `bm25s.BM25` over the token lists (NumPy backend; numba when installed)
    tantivy       tantivy's default tokenizer over the space-joined tokens, OR query
    Whoosh        `jieba.analyse.ChineseAnalyzer`, BM25F (slow to build: opt in)
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol

import rjieba

SEGMENT_CHUNK = 4000  # passages per task when segmenting on both cores


class Peer(Protocol):
    name: str

    def build(self, texts: Sequence[str], tokens: Sequence[list[str]]) -> None: ...

    def search(self, words: list[str], k: int) -> list[int]:
        """Indexes of the best `k` passages for the OR of `words` (already segmented)."""
        ...


def segment(text: str) -> list[str]:
    """rjieba words of `text` without whitespace and punctuation-only tokens."""
    return [w for w in rjieba.cut(text.lower()) if any(c.isalnum() for c in w)]


def _segment_chunk(texts: Sequence[str]) -> list[list[str]]:
    return [segment(t) for t in texts]


def segment_all(texts: Sequence[str], workers: int = 2) -> list[list[str]]:
    """Every passage segmented, on `workers` processes."""
    chunks = [texts[i : i + SEGMENT_CHUNK] for i in range(0, len(texts), SEGMENT_CHUNK)]
    with ProcessPoolExecutor(workers) as pool:
        return [words for part in pool.map(_segment_chunk, chunks) for words in part]


class Fts5Peer:
    name = "SQLite FTS5"

    def build(self, texts: Sequence[str], tokens: Sequence[list[str]]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(body, content='')")
        self.db.executemany(
            "INSERT INTO p (rowid, body) VALUES (?, ?)",
            ((i, " ".join(words)) for i, words in enumerate(tokens)),
        )
        self.db.commit()

    def search(self, words: list[str], k: int) -> list[int]:
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.db.execute(
            "SELECT rowid FROM p WHERE p MATCH ? ORDER BY rank LIMIT ?", (match, k)
        )
        return [row[0] for row in rows]


class Bm25sPeer:
    name = "bm25s"

    def build(self, texts: Sequence[str], tokens: Sequence[list[str]]) -> None:
        import bm25s  # benchmark-only dependencies are imported where used

        self.retriever = bm25s.BM25()
        self.retriever.index(list(tokens), show_progress=False)

    def search(self, words: list[str], k: int) -> list[int]:
        known = [w for w in words if w in self.retriever.vocab_dict]
        if not known:
            return []
        found, _ = self.retriever.retrieve([known], k=k, show_progress=False)
        return [int(i) for i in found[0]]


class TantivyPeer:
    name = "tantivy (default)"

    def build(self, texts: Sequence[str], tokens: Sequence[list[str]]) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", stored=False)
        builder.add_integer_field("row", stored=True, indexed=False, fast=True)
        self.folder = tempfile.mkdtemp(prefix="peer-tantivy-")
        self.index = tantivy.Index(builder.build(), path=self.folder)
        writer = self.index.writer(heap_size=256_000_000, num_threads=2)
        for i, words in enumerate(tokens):
            writer.add_document(tantivy.Document(body=" ".join(words), row=i))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, words: list[str], k: int) -> list[int]:
        query = self.index.parse_query(" ".join(f'"{w}"' for w in words), ["body"])
        hits = self.searcher.search(query, k).hits
        return [self.searcher.doc(address)["row"][0] for _, address in hits]

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class WhooshPeer:
    name = "Whoosh + jieba"

    def build(self, texts: Sequence[str], tokens: Sequence[list[str]]) -> None:
        from jieba.analyse import ChineseAnalyzer
        from whoosh import fields, index

        schema = fields.Schema(
            row=fields.NUMERIC(stored=True), body=fields.TEXT(analyzer=ChineseAnalyzer())
        )
        self.folder = tempfile.mkdtemp(prefix="peer-whoosh-")
        self.index = index.create_in(self.folder, schema)
        writer = self.index.writer(procs=1, limitmb=256)
        for i, text in enumerate(texts):
            writer.add_document(row=i, body=text)
        writer.commit()
        self.searcher = self.index.searcher()

    def search(self, words: list[str], k: int) -> list[int]:
        from whoosh import query

        either = query.Or([query.Term("body", w) for w in words])
        return [hit["row"] for hit in self.searcher.search(either, limit=k)]

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def peers(with_whoosh: bool) -> list[Peer]:
    """The peers of one run; Whoosh (minutes to build) only when asked."""
    found: list[Peer] = [Fts5Peer(), Bm25sPeer(), TantivyPeer()]
    return [*found, WhooshPeer()] if with_whoosh else found


def cores() -> int:
    return len(os.sched_getaffinity(0))
