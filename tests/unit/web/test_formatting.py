"""Display formats per locale: money in 万元 for Chinese, compact CNY for English."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kejin.registry.model import IndustryCluster, Stage
from kejin.web import formatting
from kejin.web.labels import LABELS, label


def test_money_reads_in_wan_yuan_in_chinese() -> None:
    assert formatting.money("zh_CN", Decimal("12345678.90")) == "1,234.6 万元"


def test_money_reads_as_compact_cny_in_english() -> None:
    assert formatting.money("en", Decimal("12345678.90")) == "CN¥12.35M"


def test_missing_values_show_a_dash() -> None:
    assert formatting.money("en", None) == formatting.number("zh_CN", None) == "—"


def test_shares_and_dates_follow_the_locale() -> None:
    assert formatting.share("en", Decimal("0.0862")) == "8.6%"
    assert formatting.day("zh_CN", date(2025, 12, 31)) == "2025年12月31日"
    assert formatting.day("en", date(2025, 12, 31)) == "Dec 31, 2025"


def test_every_enum_value_has_a_display_name() -> None:
    for kind, names in LABELS.items():
        assert set(names) == {member.value for member in kind}, kind


def test_labels_tell_equal_values_of_different_enums_apart() -> None:
    assert label("en", Stage.SEED) == "Seed"
    assert label("zh_CN", IndustryCluster.BRAIN_SCIENCE) == "脑科学与脑机接口"
    assert label("zh_CN", None) == "—"
