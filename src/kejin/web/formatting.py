"""Locale-aware display of numbers, money, shares and dates (Babel).

Money reads in 万元 for Chinese and as compact CNY (CN¥12.35M) for English.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_compact_currency, format_decimal, format_percent

from kejin.core.money import WAN

MISSING = "—"


def number(locale: str, value: int | Decimal | None) -> str:
    return MISSING if value is None else format_decimal(value, locale=locale)


def money(locale: str, value: Decimal | None) -> str:
    """An amount in CNY for display: 万元 in Chinese, compact CNY in English."""
    if value is None:
        return MISSING
    if locale.startswith("zh"):
        return format_decimal(value / WAN, "#,##0.0", locale=locale) + " 万元"
    return format_compact_currency(value, "CNY", locale=locale, fraction_digits=2)


def share(locale: str, value: Decimal | float | None) -> str:
    """A share between 0 and 1 as a percentage with one decimal."""
    return MISSING if value is None else format_percent(value, "#,##0.0%", locale=locale)


def rate(locale: str, value: Decimal | None) -> str:
    """An interest or fee rate as a percentage with two decimals (3.45%)."""
    return MISSING if value is None else format_percent(value, "#,##0.00%", locale=locale)


def day(locale: str, value: date | None) -> str:
    return MISSING if value is None else format_date(value, "medium", locale=locale)
