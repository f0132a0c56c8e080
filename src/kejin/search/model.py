"""Search (全文检索), the pure part: query parsing, filters and the results contract, and the
highlighted snippet cut from a paragraph's own text.

Query language: words separated by spaces must all match (AND); `a OR b` matches either;
`-word` excludes; `"…"` is one phrase. Each word is segmented, and a word that yields several
tokens (科技金融 → 科技 金融, `AI技术` → ai 技术) is a phrase: its tokens must be adjacent and
in order — never 科技 OR 金融 scattered over the paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from kejin.documents.model import DocumentKind
from kejin.search.errors import InvalidSearch

MAX_QUERY_LENGTH = 200
MAX_PER_PAGE = 100
# The engine collects offset + page size hits before it skips the offset, so a page far down
# costs memory in proportion: pages beyond this one are refused (every entrypoint alike).
MAX_PAGE = 1000
SNIPPET_WIDTH = 160
SNIPPET_LEAD = 30  # characters shown before the first highlight
DOCUMENT_WEIGHTS = (1.0, 0.5, 0.25)  # a document's score: its best paragraphs, decaying
OR = "OR"
BREAK = "|"  # the token punctuation becomes: it keeps phrases from spanning it
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"'})

Segmenter = Callable[[str], list[str]]


@dataclass(frozen=True, slots=True)
class Token:
    """One token and where it lies in the original text (`start` ≤ offset < `end`)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Phrase:
    """Tokens that must appear adjacent and in order (one token: a plain word)."""

    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Clause:
    """A required part of the query: any one of its phrases."""

    alternatives: tuple[Phrase, ...]


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    required: tuple[Clause, ...]
    excluded: tuple[Phrase, ...] = ()

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """Every phrase a hit may contain, for highlighting."""
        return tuple(phrase for clause in self.required for phrase in clause.alternatives)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Filters on the document a paragraph belongs to; None: no filter. `region` matches the
    region and every region under it (广东省 matches 广东省深圳市)."""

    date_from: date | None = None
    date_to: date | None = None
    issuer: str | None = None
    region: str | None = None
    kind: DocumentKind | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidSearch("The end date is before the start date", field="to")


@dataclass(frozen=True, slots=True)
class PageSpec:
    page: int = 1
    per_page: int = 10

    def __post_init__(self) -> None:
        if not 1 <= self.page <= MAX_PAGE:
            raise InvalidSearch("page must be between 1 and {max}", field="page", max=MAX_PAGE)
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidSearch(
                "per_page must be between 1 and {max}", field="per_page", max=MAX_PER_PAGE
            )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True, slots=True)
class Highlight:
    """A matched span, as offsets into the paragraph's text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Snippet:
    """A window of the paragraph (`text` = paragraph[start:end]) and the highlights inside it,
    as offsets into the paragraph."""

    text: str
    start: int
    end: int
    highlights: tuple[Highlight, ...]

    def fragments(self) -> list[tuple[str, bool]]:
        """The snippet as (text, highlighted) pieces, in order, for safe rendering."""
        pieces: list[tuple[str, bool]] = []
        cursor = self.start
        for mark in self.highlights:
            if mark.start > cursor:
                pieces.append((self.text[cursor - self.start : mark.start - self.start], False))
            pieces.append((self.text[mark.start - self.start : mark.end - self.start], True))
            cursor = mark.end
        if cursor < self.end:
            pieces.append((self.text[cursor - self.start :], False))
        return pieces


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching paragraph; cite it as [external_id, position]."""

    external_id: str
    title: str
    issuer: str | None
    date_text: str | None
    kind: str
    region: str | None
    language: str
    position: int
    score: float
    snippet: Snippet


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: tuple[Hit, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def parse_query(text: str, segment: Segmenter) -> ParsedQuery:
    """The query's clauses; refused when it is too long or has no word to look for."""
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidSearch(
            "The query is longer than {max} characters", field="q", max=MAX_QUERY_LENGTH
        )
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    join_next = False
    for negated, phrase, is_or in _terms(text.translate(_QUOTES), segment):
        if is_or:
            join_next = bool(groups)
        elif phrase is None:
            continue
        elif negated:
            excluded.append(phrase)
        elif join_next:
            groups[-1].append(phrase)
            join_next = False
        else:
            groups.append([phrase])
    if not groups:
        raise InvalidSearch("Enter at least one word to search for", field="q")
    clauses = tuple(Clause(tuple(dict.fromkeys(group))) for group in groups)
    return ParsedQuery(clauses, tuple(dict.fromkeys(excluded)))


def _terms(text: str, segment: Segmenter) -> Iterable[tuple[bool, Phrase | None, bool]]:
    """(negated, phrase or None when the term has no token, is the OR keyword)."""
    for match in _TERM.finditer(text):
        minus, quoted, bare = match.groups()
        if bare == OR:
            yield False, None, True
            continue
        negated = bool(minus) or (bare is not None and bare.startswith("-") and len(bare) > 1)
        words = quoted if bare is None else bare.removeprefix("-") if negated else bare
        tokens = tuple(segment(words))
        yield negated, Phrase(tokens) if tokens else None, False


def rank_documents(
    matches: Iterable[tuple[int, float]], weights: Sequence[float] = DOCUMENT_WEIGHTS
) -> list[tuple[int, float]]:
    """Paragraph hits (document id, score) collapsed to one entry per document, best first: a
    document scores its best paragraph, plus half its second and a quarter of its third, so a
    document that treats the topic in several paragraphs outranks one that names it once."""
    scores: dict[int, list[float]] = {}
    for document_id, score in matches:
        scores.setdefault(document_id, []).append(score)
    ranked = [(document_id, _weighted(found, weights)) for document_id, found in scores.items()]
    return sorted(ranked, key=lambda entry: (-entry[1], entry[0]))


def _weighted(scores: list[float], weights: Sequence[float]) -> float:
    best = sorted(scores, reverse=True)[: len(weights)]
    return sum(weight * score for weight, score in zip(weights, best, strict=False))


def find_highlights(tokens: Sequence[Token], phrases: Iterable[Phrase]) -> tuple[Highlight, ...]:
    """Where each phrase occurs in the token sequence, merged and in order."""
    texts = [token.text for token in tokens]
    spans = [
        (tokens[index].start, tokens[index + len(phrase.tokens) - 1].end)
        for phrase in phrases
        for index in range(len(texts) - len(phrase.tokens) + 1)
        if tuple(texts[index : index + len(phrase.tokens)]) == phrase.tokens
    ]
    merged: list[Highlight] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1].end:
            merged[-1] = Highlight(merged[-1].start, max(end, merged[-1].end))
        else:
            merged.append(Highlight(start, end))
    return tuple(merged)


def make_snippet(text: str, highlights: Sequence[Highlight], width: int = SNIPPET_WIDTH) -> Snippet:
    """A window of `text` up to `width` characters starting a little before the first
    highlight, with the highlights that fall inside it (clipped to it)."""
    first = highlights[0].start if highlights else 0
    start = max(0, min(first - SNIPPET_LEAD, len(text) - width))
    end = min(len(text), start + width)
    inside = tuple(
        Highlight(max(mark.start, start), min(mark.end, end))
        for mark in highlights
        if mark.start < end and mark.end > start
    )
    return Snippet(text[start:end], start, end, inside)
