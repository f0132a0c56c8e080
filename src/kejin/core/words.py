"""Chinese words (分词) cut one way everywhere: rjieba with Kejin's domain dictionary.

rjieba keeps one dictionary per process, so the domain words added for one caller change how
every caller's text is cut; this module is the one place that adds them, and search and briefs
both cut through it. The dictionary is versioned data, `dictionary-2025.json`: the glossary's
Chinese terms (rebuilt by `scripts/build-search-dictionary`) and a hand-kept list.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rjieba

DICTIONARY_FILE = Path(__file__).with_name("dictionary-2025.json")


@dataclass(frozen=True, slots=True)
class Dictionary:
    """The domain words added to the segmenter, and the version a search index records."""

    version: str
    words: tuple[str, ...]


def read_dictionary(path: Path = DICTIONARY_FILE) -> Dictionary:
    """The glossary terms and the hand-kept terms of the data file (NFKC, lower case), each once."""
    data = json.loads(path.read_text(encoding="utf-8"))
    words = dict.fromkeys(
        unicodedata.normalize("NFKC", word).lower().strip()
        for word in [*data["glossary"], *data["hand_kept"]]
    )
    return Dictionary(str(data["version"]), tuple(word for word in words if word))


@cache
def dictionary() -> Dictionary:
    """The domain dictionary, added to rjieba once per process (before any text is cut)."""
    loaded = read_dictionary()
    for word in loaded.words:
        rjieba.add_word(word, max(rjieba.suggest_freq(word), 1), None)
    return loaded


def cut(text: str) -> list[str]:
    """The words of `text` as rjieba cuts them with the domain dictionary."""
    dictionary()
    return rjieba.cut(text)
