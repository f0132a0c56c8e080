"""Locale negotiation: an explicit choice wins, then the browser's ranked languages."""

import pytest

from kejin.core.i18n import negotiate, translate


@pytest.mark.parametrize(
    ("header", "chosen", "expected"),
    [
        ("en-US,en;q=0.9,zh-CN;q=0.8", None, "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", None, "zh_CN"),
        ("fr-FR,en;q=0.5,zh;q=0.9", None, "zh_CN"),
        ("fr-FR", None, "zh_CN"),
        (None, None, "zh_CN"),
        ("zh-CN", "en", "en"),
        ("en", "xx", "en"),
        ("en;q=bogus,zh;q=0.1", None, "zh_CN"),
    ],
)
def test_locale_is_negotiated(header: str | None, chosen: str | None, expected: str) -> None:
    assert negotiate(header, chosen) == expected


def test_messages_are_translated_and_filled() -> None:
    message = "size must be between 1 and {max}"
    assert translate("zh_CN", message, max=200) == "每页条数必须在 1 到 200 之间"
    assert translate("en", message, max=200) == "size must be between 1 and 200"


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported locale"):
        translate("de", "page must be 1 or more")
