"""Sentences of a document's paragraphs, located exactly: every sentence knows its paragraph
position and its character offsets, so a bullet made from it (or from a trimmed clause of it)
is always a verbatim piece of the cited paragraph. Pure; no framework imports.

Chinese sentences end at 。！？； (with any closing quote or bracket after them); English ones at
. ! ? followed by a space and a capital, a digit or an opening quote, unless the word before the
full stop is a known abbreviation (`e.g.`, `No.`, `U.S.`) or a single initial.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_CHINESE_END = re.compile(r"[。！？；]+[”’」』）)\]】]*")
_ENGLISH_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[A-Z0-9\"“‘(\[])")
_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "no", "nos", "art", "arts", "para", "e.g", "i.e",
        "etc", "vs", "inc", "ltd", "co", "corp", "fig", "approx", "st", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "p.r.c",
    }
)  # fmt: skip
_LAST_WORD = re.compile(r"([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)$")
# Enumeration labels at the start of a sentence: 第三条 / 一、 / （二） / 1. / - ; the bullet
# starts after them, so it reads as a statement (the citation still names the article).
_LABEL = re.compile(
    r"^(?:第[一二三四五六七八九十百千零〇\d]+条(?:之[一二三四五六七八九十]+)?[\s　]*"
    r"|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]\s*|\d+[、．]\s*|\d+\.(?!\d)\s*|[-•·]\s+)"
)
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百千零〇\d]+条")
_STRUCTURE_HEADING = re.compile(r"^第[一二三四五六七八九十百千零〇\d]+[编章节]")
_CLAUSE_END = re.compile(r"[，,：:；;]")
_SENTENCE_FINAL = ("。", "！", "？", "；", ".", "!", "?", "”", "）", ")", "]")


@dataclass(frozen=True, slots=True)
class Citation:
    """A paragraph of a stored document: [external_id, position], position counting from 1."""

    external_id: str
    position: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: paragraph position, offsets into the paragraph, and its text
    (`paragraph[start:end]`); `index` is its order in the whole document."""

    index: int
    position: int
    start: int
    end: int
    text: str


def is_article(paragraph: str) -> bool:
    """Does the paragraph open an article (第N条)?"""
    return bool(_ARTICLE.match(paragraph))


def is_heading(paragraph: str) -> bool:
    """A heading line: 第N章/节/编, or a short line without sentence-final punctuation."""
    if _STRUCTURE_HEADING.match(paragraph) and len(paragraph) < 40:
        return True
    return len(paragraph) < 40 and not paragraph.endswith(_SENTENCE_FINAL)


def split_sentences(position: int, paragraph: str, first_index: int = 0) -> list[Sentence]:
    """The sentences of one paragraph, enumeration labels left out, in order."""
    sentences: list[Sentence] = []
    for span in _spans(paragraph):
        start, end = _trim(paragraph, *span)
        if start < end:
            index = first_index + len(sentences)
            sentences.append(Sentence(index, position, start, end, paragraph[start:end]))
    return sentences


def document_sentences(paragraphs: tuple[str, ...]) -> list[Sentence]:
    """Every sentence of every non-heading paragraph; paragraph `n` is position `n + 1`."""
    sentences: list[Sentence] = []
    for number, paragraph in enumerate(paragraphs, start=1):
        if not is_heading(paragraph):
            sentences.extend(split_sentences(number, paragraph, len(sentences)))
    return sentences


def excerpt(paragraph: str, sentence: Sentence, limit: int, focus: int = 0) -> Sentence:
    """The sentence itself if it fits `limit` characters; otherwise the longest run of whole
    clauses (split at ，,：:；;) starting with the clause holding offset `focus` (relative to the
    sentence) that fits, or the first `limit` characters of that clause if none does."""
    if sentence.end - sentence.start <= limit:
        return sentence
    bounds = [sentence.start]
    bounds += [sentence.start + m.end() for m in _CLAUSE_END.finditer(sentence.text)]
    bounds = sorted({b for b in bounds if b < sentence.end})
    first = max(b for b in bounds if b <= sentence.start + focus)
    ends = [b for b in (*bounds[1:], sentence.end) if first < b <= first + limit]
    end = max(ends) if ends else first + limit
    start, end = _trim(paragraph, first, end)
    return Sentence(sentence.index, sentence.position, start, end, paragraph[start:end])


def _spans(paragraph: str) -> Iterator[tuple[int, int]]:
    start = 0
    for end in sorted({m.end() for m in _sentence_ends(paragraph)}):
        if end > start:
            yield start, end
            start = end
    if start < len(paragraph):
        yield start, len(paragraph)


def _sentence_ends(paragraph: str) -> Iterator[re.Match[str]]:
    yield from _CHINESE_END.finditer(paragraph)
    for match in _ENGLISH_END.finditer(paragraph):
        if not _abbreviated(paragraph[: match.start()]):
            yield match


def _abbreviated(before: str) -> bool:
    """Is the word right before a full stop an abbreviation or an initial?"""
    found = _LAST_WORD.search(before)
    if found is None:
        return False
    word = found.group(1)
    return (len(word) == 1 and word.isupper()) or word.lower() in _ABBREVIATIONS


def _trim(paragraph: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without surrounding whitespace, a leading enumeration label or leading
    clause punctuation."""
    text = paragraph[start:end]
    stripped = text.lstrip(" 　\t，,：:；;")
    start += len(text) - len(stripped)
    label = _LABEL.match(stripped)
    if label:
        start += label.end()
    end -= len(text) - len(text.rstrip(" 　\t，,：:"))
    return start, max(start, end)
