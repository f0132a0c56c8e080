"""Chinese word segmentation (分词) for search: rjieba with the domain dictionary, one way for
the index, for queries and for highlighting, so a query's tokens are the index's tokens.

Text is normalised character by character — compatibility forms to their plain form (NFKC:
full-width letters and digits to half-width), lower case, white space to a space, every other
character that is not a letter or digit to the break mark `|` — so an offset in the normalised
text is the same offset in the original (a character whose plain form is several characters,
such as ㎡, stays as it is). A run of punctuation becomes one break token: it is not indexed
but takes a position, so a phrase never spans punctuation (科技、金融 is not 科技金融).

The normalised text is cut by rjieba (dictionary plus the domain words of
`kejin.core.words`); a word of four or more characters is then split into the fewest
dictionary words of at least two characters (科技金融 → 科技 金融, 中小企业 → 中小 企业,
科技金融支持体系 → 科技金融 支持 体系), each split again while such a split exists. Tokens
are those finest words, in order, so a query for 科技 finds 科技金融 text, and a query for
科技金融 asks for 科技 directly followed by 金融.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

import numpy as np
import rjieba

from kejin.core.words import dictionary
from kejin.search.model import BREAK, Token

MIN_PIECE = 2  # the finest words kept are two characters or more
PARAGRAPH_BREAK = "\n"
TABLE_FROM = 2_000  # characters; longer texts are normalised through the code-point table
FINEST_CACHE = 500_000  # words whose finest split is remembered (forgotten all at once beyond)
BMP = 0x10000
_BREAK_RUN = re.compile(r"\|(?: +\|)+")


class _Folding(dict[int, str]):
    """The per-character normalisation table; each character is worked out once, on first use."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        plain = unicodedata.normalize("NFKC", char).lower()
        if char == PARAGRAPH_BREAK:
            folded = char
        elif char.isspace():
            folded = " "
        elif len(plain) == 1:
            folded = plain if plain.isalnum() else BREAK
        else:
            folded = char.lower() if char.isalnum() and len(char.lower()) == 1 else BREAK
        self[code] = folded
        return folded


_FOLDING = _Folding()


def normalise(text: str) -> str:
    """`text` with compatibility forms folded, lower-cased and punctuation as breaks; the same
    length as `text`. A long text goes through a table of every code point below U+10000 at
    once (NumPy), the rare characters above it one by one; both ways give the same text."""
    if len(text) < TABLE_FROM:
        return text.translate(_FOLDING)
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate: only the slow way takes it
        return text.translate(_FOLDING)
    table = _table()
    folded = table[np.minimum(codes, BMP - 1)]
    beyond = np.flatnonzero(codes >= BMP)
    folded[beyond] = [ord(_FOLDING[int(codes[at])]) for at in beyond]
    return folded.tobytes().decode("utf-32-le")


@cache
def _table() -> np.ndarray:
    """The folded code point of every code point below U+10000."""
    return np.fromiter((ord(_FOLDING[code]) for code in range(BMP)), np.uint32, BMP)


class _Finest(dict[str, str]):
    """Each word's finest split, worked out on first use (see `_split`)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= FINEST_CACHE:
            self.clear()
        split = self[word] = _split(word)
        return split


_FINEST = _Finest()
_finest = _FINEST.__getitem__


def _split(word: str) -> str:
    """`word` split into the fewest dictionary words of ≥ 2 characters (two or more), each
    split again; the pieces joined by spaces (the word itself when no split exists)."""
    if len(word) < 2 * MIN_PIECE or not word.isalpha() or word.isascii():
        return word
    pieces = _fewest_pieces(word)
    return word if pieces is None else " ".join(_finest(piece) for piece in pieces)


def _fewest_pieces(word: str) -> list[str] | None:
    """The fewest dictionary words of ≥ 2 characters, other than `word` itself, that make up
    `word` (科技金融支持体系 → 科技金融 支持 体系); None when no such cover exists. Among
    covers of one size, the one whose last piece is longest (then the next, and so on)."""
    best: list[list[str] | None] = [[], *([None] * len(word))]
    for end in range(MIN_PIECE, len(word) + 1):
        for start in range(end - MIN_PIECE + 1):
            known, piece = best[start], word[start:end]
            if known is None or len(piece) == len(word) or not rjieba.has_word(piece):
                continue
            fewest = best[end]
            if fewest is None or len(known) + 1 < len(fewest):
                best[end] = [*known, piece]
    return best[-1]


def prepare_segmenter() -> None:
    """Load the dictionary and the normalisation table now (before worker processes fork)."""
    dictionary()
    _table()


def _joined(words: Iterable[str]) -> str:
    return _BREAK_RUN.sub(BREAK, " ".join(map(_finest, words)))


def segment(text: str) -> list[str]:
    """The tokens of `text`, in order, breaks included but not at either end."""
    dictionary()
    tokens = _joined(rjieba.cut(normalise(text))).split()
    while tokens and tokens[0] == BREAK:
        tokens.pop(0)
    while tokens and tokens[-1] == BREAK:
        tokens.pop()
    return tokens


def segment_many(texts: Sequence[str]) -> list[str]:
    """Each text's tokens joined by spaces (the index's body format), cut in one call."""
    if not texts:
        return []
    dictionary()
    joined = _joined(rjieba.cut(normalise(PARAGRAPH_BREAK.join(texts))))
    bodies = joined.split(PARAGRAPH_BREAK)
    if len(bodies) != len(texts):
        raise ValueError("a text to segment contains a line break")
    return bodies


def tokens_with_offsets(text: str) -> Iterator[Token]:
    """The tokens of `text` with their offsets in `text` itself (a run of breaks: one)."""
    dictionary()
    previous = BREAK
    for word, start, _ in rjieba.tokenize(normalise(text)):
        offset = start
        for piece in _finest(word).split(" "):
            if piece.strip() and not (piece == BREAK == previous):
                yield Token(piece, offset, offset + len(piece))
                previous = piece
            offset += len(piece)
