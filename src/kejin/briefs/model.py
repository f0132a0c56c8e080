"""The brief of one document (文档摘要), built extractively and deterministically from its
paragraphs: a few key points ("Core Insights"), themed sections, and the figures table.

Reports, policies, news and guides get the sections trends / challenges / measures; texts made
of articles (laws, regulations, judicial interpretations — 第N条) get who it applies to /
obligations / support measures / penalties. Every bullet is a sentence, or a run of clauses
of one, copied verbatim from one paragraph and cited as [external_id, position]. The same
paragraphs always give the same brief. No framework imports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path

from kejin.briefs.extraction import Figure, extract_figures
from kejin.briefs.scoring import Scored, pick, score_sentences
from kejin.briefs.sentences import (
    Citation,
    Sentence,
    document_sentences,
    excerpt,
    is_article,
    is_heading,
)

BRIEF_VERSION = "2025.1"  # changes with the method or the cue lists: briefs of one version agree
CUES_FILE = Path(__file__).with_name("cues-2025.json")
SECTION_BULLETS = 4
CUE_BONUS = 0.2  # each cue word found (up to three) raises a sentence's score in its section
LEGAL_ARTICLE_SHARE = 0.15  # articles among the text paragraphs that make a text legal
PURPOSE_WITHIN = 5  # sentences from the start where a legal text states its purpose
_PURPOSE = re.compile(
    r"^(?:为了|为)|制定本(?:法|条例|办法|规定|细则|解释|决定)|this (?:law|regulation)"
)
# shortest bullet, shortest key point (shorter ones are mostly headlines), longest untrimmed
_LENGTHS = {"zh": (12, 20, 120), "en": (40, 60, 320)}


class Structure(StrEnum):
    """Which set of themed sections a brief has."""

    REPORT = "report"  # 报告、政策、新闻、指南
    LEGAL = "legal"  # 法律法规、司法解释（按条）


class Theme(StrEnum):
    """A themed section of a brief (主题)."""

    TRENDS = "trends"  # 趋势与进展
    CHALLENGES = "challenges"  # 问题与挑战
    MEASURES = "measures"  # 举措与建议
    SCOPE = "scope"  # 适用范围
    OBLIGATIONS = "obligations"  # 义务与要求
    SUPPORT = "support"  # 支持措施
    PENALTIES = "penalties"  # 法律责任


THEMES: Mapping[Structure, tuple[Theme, ...]] = {
    Structure.REPORT: (Theme.TRENDS, Theme.CHALLENGES, Theme.MEASURES),
    Structure.LEGAL: (Theme.SCOPE, Theme.OBLIGATIONS, Theme.SUPPORT, Theme.PENALTIES),
}


@dataclass(frozen=True, slots=True)
class Cues:
    """Cue words per language and theme, with the version of the list."""

    version: str
    words: Mapping[str, Mapping[Theme, tuple[str, ...]]]

    def of(self, language: str) -> Mapping[Theme, tuple[str, ...]]:
        return self.words.get(language) or self.words["zh"]


@dataclass(frozen=True, slots=True)
class DocumentText:
    """What a brief is made from: the document's id, title, language and paragraphs."""

    external_id: str
    title: str
    language: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Bullet:
    """One point: verbatim text from the cited paragraph; `trimmed` when it is a run of clauses
    cut from a longer sentence."""

    text: str
    citation: Citation
    trimmed: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    theme: Theme
    bullets: tuple[Bullet, ...]


@dataclass(frozen=True, slots=True)
class Brief:
    """The brief of one document."""

    external_id: str
    version: str
    cues_version: str
    structure: Structure
    key_points: tuple[Bullet, ...]
    sections: tuple[Section, ...]
    figures: tuple[Figure, ...]

    @property
    def bullets(self) -> tuple[Bullet, ...]:
        return self.key_points + tuple(b for section in self.sections for b in section.bullets)

    def sources(self) -> tuple[Citation, ...]:
        """The paragraphs the bullets cite, numbered [1], [2], … in order of first citation."""
        return tuple(dict.fromkeys(bullet.citation for bullet in self.bullets))


@cache
def load_cues(path: Path = CUES_FILE) -> Cues:
    """The cue lists (versioned data, `cues-<year>.json`)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    words = {
        language: {
            Theme(theme): tuple(cues)
            for structure in Structure
            for theme, cues in data[language][structure.value].items()
        }
        for language in ("zh", "en")
    }
    return Cues(data["version"], words)


def structure_of(paragraphs: Sequence[str]) -> Structure:
    """Legal when articles (第N条) make up a good share of the text paragraphs."""
    text = [p for p in paragraphs if not is_heading(p)]
    articles = sum(1 for p in text if is_article(p))
    legal = articles >= 3 and articles >= LEGAL_ARTICLE_SHARE * len(text)
    return Structure.LEGAL if legal else Structure.REPORT


def key_point_count(sentences: int) -> int:
    """Three key points for a short text, four for a medium one, five for a long one."""
    return 3 if sentences < 40 else 4 if sentences < 200 else 5


def build_brief(document: DocumentText, cues: Cues | None = None) -> Brief:
    """The brief of `document`."""
    cues = cues or load_cues()
    language = document.language if document.language in _LENGTHS else "zh"
    shortest, shortest_key, longest = _LENGTHS[language]
    structure = structure_of(document.paragraphs)
    title = document.title.strip()
    scored = score_sentences(document_sentences(document.paragraphs))
    eligible = [s for s in scored if len(s.sentence.text) >= shortest and s.sentence.text != title]
    key_candidates = [s for s in eligible if len(s.sentence.text) >= shortest_key]
    purpose = _purpose(key_candidates) if structure is Structure.LEGAL else []
    key = purpose + pick(key_candidates, key_point_count(len(scored)) - len(purpose), purpose)
    words = cues.of(language)
    key_bullets = _in_order([_bullet(document, s, longest, 0) for s in key], key)
    seen = {bullet.text for bullet in key_bullets}
    taken = list(key)
    sections = []
    for theme, chosen in _themed(eligible, key, THEMES[structure], words, language):
        picked = pick(chosen, SECTION_BULLETS, taken)
        taken.extend(picked)
        kept: list[tuple[Scored, Bullet]] = []
        for item in picked:
            bullet = _bullet(document, item, longest, _focus(item, words[theme]))
            # two long sentences can trim to the same clauses; a short trimmed clause says little
            if len(bullet.text) >= shortest and bullet.text not in seen:
                seen.add(bullet.text)
                kept.append((item, bullet))
        if kept:
            sections.append(Section(theme, _in_order([b for _, b in kept], [i for i, _ in kept])))
    return Brief(
        external_id=document.external_id,
        version=BRIEF_VERSION,
        cues_version=cues.version,
        structure=structure,
        key_points=key_bullets,
        sections=tuple(sections),
        figures=extract_figures(document.external_id, document.paragraphs),
    )


def cue_hits(text: str, cues: Sequence[str], language: str) -> int:
    """How many times the cue words occur in `text` (whole words for English)."""
    if language == "en":
        lowered = text.lower()
        return sum(len(re.findall(rf"\b{re.escape(cue)}\b", lowered)) for cue in cues)
    return sum(text.count(cue) for cue in cues)


def _themed(
    eligible: Sequence[Scored],
    key: Sequence[Scored],
    themes: Sequence[Theme],
    words: Mapping[Theme, tuple[str, ...]],
    language: str,
) -> list[tuple[Theme, list[Scored]]]:
    """Each sentence (not a key point) under the theme whose cues it holds most often, its
    score raised by the cues found."""
    used = {s.sentence.index for s in key}
    by_theme: dict[Theme, list[Scored]] = {theme: [] for theme in themes}
    for item in eligible:
        if item.sentence.index in used:
            continue
        hits = [cue_hits(item.sentence.text, words[theme], language) for theme in themes]
        best = max(hits)
        if best:
            theme = themes[hits.index(best)]
            boosted = replace(item, score=item.score * (1 + CUE_BONUS * min(best, 3)))
            by_theme[theme].append(boosted)
    return list(by_theme.items())


def _purpose(candidates: Sequence[Scored]) -> list[Scored]:
    """The statement of purpose of a legal text (为了…，制定本法/条例/办法…), when one of the
    first sentences makes it: it is the first key point."""
    opening = [s for s in candidates if s.sentence.index < PURPOSE_WITHIN]
    return [s for s in opening if _PURPOSE.search(s.sentence.text)][:1]


def _focus(item: Scored, cues: Sequence[str]) -> int:
    """Offset of the first cue word in the sentence (where a trimmed excerpt starts)."""
    lowered = item.sentence.text.lower()
    found = [at for cue in cues if (at := lowered.find(cue)) >= 0]
    return min(found, default=0)


def _bullet(document: DocumentText, item: Scored, limit: int, focus: int) -> Bullet:
    sentence = item.sentence
    paragraph = document.paragraphs[sentence.position - 1]
    part: Sentence = excerpt(paragraph, sentence, limit, focus)
    citation = Citation(document.external_id, sentence.position)
    return Bullet(part.text, citation, trimmed=part.text != sentence.text)


def _in_order(bullets: Sequence[Bullet], picked: Sequence[Scored]) -> tuple[Bullet, ...]:
    """Bullets in reading order of their sentences."""
    pairs = sorted(zip(picked, bullets, strict=True), key=lambda pair: pair[0].sentence.index)
    return tuple(bullet for _, bullet in pairs)
