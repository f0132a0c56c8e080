"""Every message id in code and templates has a Chinese translation and an English entry.

Extraction uses babel.cfg and `kejin.core.i18n.MESSAGE_KEYWORDS`, like scripts/update-catalogs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kejin.core.catalogs import extract, read_catalog
from kejin.core.i18n import translate

ROOT = Path(__file__).resolve().parents[3]


def extracted_ids() -> set[str | tuple[str, ...]]:
    template = extract(ROOT / "babel.cfg")
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in template if m.id}


def catalog(locale: str) -> dict[object, object]:
    return {
        m.id if isinstance(m.id, str) else tuple(m.id): m.string
        for m in read_catalog(locale)
        if m.id
    }


@pytest.fixture(scope="module")
def message_ids() -> set[str | tuple[str, ...]]:
    return extracted_ids()


def test_extraction_finds_the_templates_and_the_code(
    message_ids: set[str | tuple[str, ...]],
) -> None:
    assert "The region at a glance" in message_ids  # a template
    assert "Brain science & BCI" in message_ids  # an enum label
    assert "check character of {code} is {actual}, expected {expected}" in message_ids  # an error


def test_every_message_has_a_chinese_translation(
    message_ids: set[str | tuple[str, ...]],
) -> None:
    chinese = catalog("zh_CN")
    untranslated = sorted(str(m) for m in message_ids if not chinese.get(m) or not all(chinese[m]))  # type: ignore[arg-type]
    assert untranslated == []


def test_every_message_is_in_the_english_catalog(
    message_ids: set[str | tuple[str, ...]],
) -> None:
    assert sorted(str(m) for m in message_ids - catalog("en").keys()) == []


def test_chinese_translations_keep_their_placeholders() -> None:
    for message, text in catalog("zh_CN").items():
        for source, target in zip(
            [message] if isinstance(message, str) else message, [text] * 2, strict=False
        ):
            for token in ("{code}", "%(count)s", "%(num)s", "{max}", "%(date)s"):
                assert (token in source) <= (token in str(target)), (source, target)


def test_cluster_names_read_naturally_in_chinese() -> None:
    assert translate("zh_CN", "Brain science & BCI") == "脑科学与脑机接口"
