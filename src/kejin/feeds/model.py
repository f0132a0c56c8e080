"""Pure feed vocabulary."""

from __future__ import annotations

from enum import StrEnum


class Department(StrEnum):
    TAX_BUREAU = "tax_bureau"  # 税务局
    SOCIAL_SECURITY = "social_security"  # 人社局（社保）
    IP_OFFICE = "ip_office"  # 知识产权局
    MARKET_REGULATOR = "market_regulator"  # 市场监管局
