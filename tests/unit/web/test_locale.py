"""Locale negotiation: toggle value, cookie, then the browser's Accept-Language."""

from __future__ import annotations

import pytest

from kejin.web.locale import chosen_locale, request_locale


@pytest.mark.parametrize(
    ("value", "locale"),
    [
        ("zh-CN", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh_CN", "zh_CN"),
        ("EN", "en"),
        ("en-US", "en"),
        ("fr", None),
        ("", None),
        (None, None),
    ],
)
def test_toggle_values_name_a_supported_locale(value: str | None, locale: str | None) -> None:
    assert chosen_locale(value) == locale


def test_query_beats_cookie_beats_header() -> None:
    assert request_locale("en", "zh-CN", "zh-CN") == "en"
    assert request_locale(None, "en", "zh-CN") == "en"
    assert request_locale(None, None, "en-US,en;q=0.9") == "en"


def test_header_quality_values_are_respected() -> None:
    assert request_locale(None, None, "fr;q=1.0, en;q=0.5, zh;q=0.8") == "zh_CN"


def test_unsupported_choices_fall_back_to_the_header_then_chinese() -> None:
    assert request_locale("de", "xx", "en") == "en"
    assert request_locale(None, None, "de-DE") == "zh_CN"
    assert request_locale(None, None, None) == "zh_CN"
