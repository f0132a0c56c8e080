"""Pure lending vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class LoanProduct(StrEnum):
    CREDIT = "credit"  # 信用贷
    FIRST_LOAN = "first_loan"  # 首贷
    INNOVATION_POINTS = "innovation_points"  # 创新积分贷
    RD = "rd"  # 研发贷
    TALENT = "talent"  # 人才贷
    IP_PLEDGE = "ip_pledge"  # 知识产权质押贷
    WARRANT = "warrant"  # 认股权贷款
    GUARANTEED = "guaranteed"  # 担保贷
    MORTGAGE = "mortgage"  # 抵押贷


@dataclass(frozen=True, slots=True)
class LoanRecord:
    """One loan as other domains read it: its terms and outcome."""

    principal: Decimal
    annual_rate: Decimal
    term_months: int
    start_on: date
    defaulted: bool
    default_on: date | None
