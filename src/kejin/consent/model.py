"""Pure consent vocabulary: data scopes and which of them are public."""

from __future__ import annotations

from enum import StrEnum


class DataScope(StrEnum):
    """What part of an enterprise's data a grant opens (数据范围)."""

    PROFILE = "profile"  # 企业画像（非公开部分）
    FINANCIALS = "financials"  # 财务数据
    TAX = "tax"  # 纳税数据
    SOCIAL_SECURITY = "social_security"  # 社保数据
    IP = "ip"  # 知识产权明细
    CREDIT_HISTORY = "credit_history"  # 信贷记录
    ASSESSMENT = "assessment"  # 评价结果
