"""Pure catalogue vocabulary: layers, families, instruments, pricing and the frozen specs of
providers, products (融资产品) and policies (政策).

Specs check themselves on construction and raise `InvalidInput` naming the offending field
(`amount.max`, `pricing.spread_bp`, …), so a spec that exists is consistent. Money is `Decimal`
CNY at the fen; rates and shares are fractions (0.0175 = 1.75%).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kejin.core.errors import FieldProblem, InvalidInput
from kejin.identity.model import InstitutionKind
from kejin.registry.model import Stage

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
MAX_SPREAD_BP = 2_000  # 20 percentage points over the LPR: beyond it a spread is a typo


class Layer(StrEnum):
    """The five layers of the financing map."""

    GOVERNMENT = "government"  # 政府支持
    EQUITY = "equity"  # 股权投资
    BANK = "bank"  # 银行信贷
    GUARANTEE_INSURANCE = "guarantee_insurance"  # 担保与保险
    CAPITAL_MARKET = "capital_market"  # 资本市场


class ProductFamily(StrEnum):
    INTEREST_SUBSIDY = "interest_subsidy"  # 贷款贴息
    FEE_SUBSIDY = "fee_subsidy"  # 担保费补贴
    RISK_POOL_LOAN = "risk_pool_loan"  # 风险补偿资金池贷款
    GRANT = "grant"  # 财政资助
    ANGEL_FUND = "angel_fund"  # 天使投资
    SEED_FUND = "seed_fund"  # 种子基金
    VENTURE_FUND = "venture_fund"  # 创投与引导基金
    TRANSFER_FUND = "transfer_fund"  # 成果转化基金
    BANK_INVESTMENT = "bank_investment"  # 银行集团投资子公司（投贷联动）
    CREDIT_LOAN = "credit_loan"  # 信用贷款
    FIRST_LOAN = "first_loan"  # 首贷
    POINTS_LOAN = "points_loan"  # 创新积分贷
    RD_LOAN = "rd_loan"  # 研发贷
    TALENT_LOAN = "talent_loan"  # 人才贷
    IP_PLEDGE_LOAN = "ip_pledge_loan"  # 知识产权质押贷款
    IP_BUNDLE = "ip_bundle"  # 知识产权质押贷款 + 保险组合
    WARRANT_LOAN = "warrant_loan"  # 认股选择权贷款
    LINKAGE_LOAN = "linkage_loan"  # 投贷联动贷款
    CERTIFICATE_LOAN = "certificate_loan"  # 资质贷（高企贷、专精特新贷）
    RELENDING_LOAN = "relending_loan"  # 科技创新再贷款支持贷款
    RECEIVABLES_LOAN = "receivables_loan"  # 应收账款质押贷款
    GUARANTEE = "guarantee"  # 融资担保
    INSURANCE = "insurance"  # 科技保险
    STAR_LISTING = "star_listing"  # 科创板
    BSE_LISTING = "bse_listing"  # 北交所
    NEEQ_LISTING = "neeq_listing"  # 新三板
    REGIONAL_BOARD = "regional_board"  # 区域股权市场专精特新板
    LISTING_RESERVE = "listing_reserve"  # 上市后备企业库
    LISTING_REWARD = "listing_reward"  # 上市奖励


_LAYER_FAMILIES: Mapping[Layer, tuple[str, ...]] = {
    Layer.GOVERNMENT: ("interest_subsidy", "fee_subsidy", "risk_pool_loan", "grant"),
    Layer.EQUITY: ("angel_fund", "seed_fund", "venture_fund", "transfer_fund", "bank_investment"),
    Layer.BANK: (
        "credit_loan", "first_loan", "points_loan", "rd_loan", "talent_loan", "ip_pledge_loan",
        "ip_bundle", "warrant_loan", "linkage_loan", "certificate_loan", "relending_loan",
        "receivables_loan",
    ),
    Layer.GUARANTEE_INSURANCE: ("guarantee", "insurance"),
    Layer.CAPITAL_MARKET: (
        "star_listing", "bse_listing", "neeq_listing", "regional_board", "listing_reserve",
        "listing_reward",
    ),
}  # fmt: skip
FAMILY_LAYER: Mapping[ProductFamily, Layer] = {
    ProductFamily(family): layer
    for layer, families in _LAYER_FAMILIES.items()
    for family in families
}


class Instrument(StrEnum):
    """What the firm receives; a need names the instruments it accepts."""

    LOAN = "loan"
    EQUITY = "equity"
    GUARANTEE = "guarantee"
    INSURANCE = "insurance"
    SUBSIDY = "subsidy"
    GRANT = "grant"
    LISTING = "listing"  # listing support and services


class Collateral(StrEnum):
    NONE = "none"  # 纯信用 (or nothing to pledge: equity, grants)
    IP_PLEDGE = "ip_pledge"  # 知识产权质押
    RECEIVABLES = "receivables"  # 应收账款质押
    EQUITY_PLEDGE = "equity_pledge"  # 股权质押
    GUARANTEE = "guarantee"  # 第三方保证（担保公司）
    PROPERTY = "property"  # 不动产抵押


class PricingBasis(StrEnum):
    LPR_SPREAD = "lpr_spread"  # LPR + spread (bp)
    FIXED_RATE = "fixed_rate"
    FEE_RATE = "fee_rate"  # guarantee fee or insurance premium a year
    SUBSIDY_SHARE = "subsidy_share"  # share of a cost the programme pays
    EQUITY = "equity"  # priced by the deal
    NONE = "none"  # free: grants, awards, services


class LprTenor(StrEnum):
    ONE_YEAR = "1y"
    FIVE_YEAR = "5y"


class ProductStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUSPENDED = "suspended"
    RETIRED = "retired"


class PolicyMode(StrEnum):
    AUTOMATIC = "automatic"  # 免申即享: granted from shared data
    APPLY = "apply"  # the firm applies


class BenefitKind(StrEnum):
    INTEREST_SUBSIDY = "interest_subsidy"
    FEE_SUBSIDY = "fee_subsidy"
    RISK_SHARING = "risk_sharing"  # a public fund bears part of the loss
    TAX_REDUCTION = "tax_reduction"
    GRANT = "grant"
    AWARD = "award"
    SERVICE = "service"  # matchmaking, a first-loan service desk


class DocumentKind(StrEnum):
    """Documents a provider asks for."""

    BUSINESS_LICENCE = "business_licence"
    FINANCIAL_STATEMENTS = "financial_statements"  # last two years
    AUDIT_REPORT = "audit_report"
    TAX_RETURNS = "tax_returns"
    BANK_STATEMENTS = "bank_statements"  # last six months
    CREDIT_REPORT = "credit_report"
    IP_CERTIFICATES = "ip_certificates"
    IP_VALUATION = "ip_valuation"
    CERTIFICATE_COPY = "certificate_copy"  # HNTE, tech SME, specialised SME …
    TALENT_CERTIFICATE = "talent_certificate"
    RD_LEDGER = "rd_ledger"  # R&D expense sub-ledger
    BUSINESS_PLAN = "business_plan"
    SHAREHOLDER_RESOLUTION = "shareholder_resolution"
    LOAN_CONTRACT = "loan_contract"
    INTEREST_RECEIPTS = "interest_receipts"
    GUARANTEE_CONTRACT = "guarantee_contract"
    RECEIVABLES_CONTRACTS = "receivables_contracts"
    PROJECT_PROPOSAL = "project_proposal"
    LISTING_PLAN = "listing_plan"


def invalid(field: str, reason: str) -> InvalidInput:
    """The error of one field of a spec."""
    return InvalidInput("Invalid input", problems=[FieldProblem(field, reason)], field=field)


def require(condition: bool, field: str, reason: str) -> None:
    if not condition:
        raise invalid(field, reason)


@dataclasses.dataclass(frozen=True, slots=True)
class Text:
    """A bilingual text."""

    zh: str
    en: str

    def __post_init__(self) -> None:
        require(bool(self.zh.strip()) and bool(self.en.strip()), "zh/en", "both texts are needed")


@dataclasses.dataclass(frozen=True, slots=True)
class AmountRange:
    """Money from `low` to `high` inclusive (CNY, fen exact)."""

    low: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        require(self.low >= 0, "min", "an amount is not negative")
        require(self.low <= self.high, "max", "the maximum is at least the minimum")
        require(self.high == self.high.quantize(Decimal("0.01")), "max", "amounts are in fen")


@dataclasses.dataclass(frozen=True, slots=True)
class TermRange:
    """A term in whole months, inclusive."""

    low_months: int
    high_months: int

    def __post_init__(self) -> None:
        require(self.low_months >= 0, "min", "a term is not negative")
        require(self.low_months <= self.high_months, "max", "the maximum is at least the minimum")


_LOAN_BASES = frozenset({PricingBasis.LPR_SPREAD, PricingBasis.FIXED_RATE})  # may add a fee
_RATE_FIELD = {
    PricingBasis.LPR_SPREAD: "spread_bp",
    PricingBasis.FIXED_RATE: "rate",
    PricingBasis.FEE_RATE: "fee_rate",
    PricingBasis.SUBSIDY_SHARE: "subsidy_share",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Pricing:
    """The price: one basis and its figure; a loan may add a guarantee fee (`fee_rate`)."""

    basis: PricingBasis
    spread_bp: int | None = None  # over the LPR of `lpr_tenor`
    lpr_tenor: LprTenor = LprTenor.ONE_YEAR
    rate: Decimal | None = None  # fixed annual rate
    fee_rate: Decimal | None = None  # guarantee fee or premium a year
    subsidy_share: Decimal | None = None

    def __post_init__(self) -> None:
        needed = _RATE_FIELD.get(self.basis)
        for name in _RATE_FIELD.values():
            value = getattr(self, name)
            if name == needed:
                require(value is not None, name, f"{self.basis} pricing needs {name}")
            elif name != "fee_rate" or self.basis not in _LOAN_BASES:
                require(value is None, name, f"{self.basis} pricing takes no {name}")
        if self.spread_bp is not None:
            require(abs(self.spread_bp) <= MAX_SPREAD_BP, "spread_bp", "spread out of range")
        for name in ("rate", "fee_rate", "subsidy_share"):
            value = getattr(self, name)
            require(value is None or 0 <= value <= 1, name, "a rate is a fraction 0–1")


@dataclasses.dataclass(frozen=True, slots=True)
class Validity:
    """From `start` to `end` inclusive; `end` None = open."""

    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        require(self.end is None or self.start <= self.end, "valid_to", "ends before it starts")

    def covers(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclasses.dataclass(frozen=True, slots=True)
class ProviderSpec:
    """An institution offering products, or the office owning a programme."""

    code: str
    name: Text
    kind: InstitutionKind
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require(bool(CODE_PATTERN.match(self.code)), "code", "lower-case words joined by . or _")


@dataclasses.dataclass(frozen=True, slots=True)
class Provenance:
    """Where the figures come from: `source` cites RULES.md sections and documents; `notes`
    mark demo (invented, unconfirmed) figures."""

    source: str
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require(bool(self.source.strip()), "source", "every figure cites its source")


@dataclasses.dataclass(frozen=True, slots=True)
class ProductSpec:
    """One financing product. `eligibility` is a criterion tree in the rule-file format and
    `sizing` an amount rule (`kejin.products.sizing`), both kept as their decoded JSON."""

    code: str
    provider: str
    layer: Layer
    family: ProductFamily
    instrument: Instrument
    name: Text
    summary: Text
    stages: tuple[Stage, ...]
    amount: AmountRange
    term: TermRange | None
    pricing: Pricing
    collateral: Collateral
    eligibility: Mapping[str, Any]
    sizing: Mapping[str, Any]
    documents: tuple[DocumentKind, ...]
    validity: Validity
    provenance: Provenance
    status: ProductStatus = ProductStatus.PUBLISHED
    programme_owner: str | None = None  # the office behind a risk-pool or subsidy programme
    partners: tuple[str, ...] = ()  # other providers sharing the risk (an insurer, a guarantor)
    policy_code: str | None = None  # the policy the product carries

    def __post_init__(self) -> None:
        require(bool(CODE_PATTERN.match(self.code)), "code", "lower-case words joined by . or _")
        require(FAMILY_LAYER[self.family] is self.layer, "family", f"not a {self.layer} family")
        require(bool(self.stages), "stages", "a product fits at least one stage")
        require(len(set(self.stages)) == len(self.stages), "stages", "a stage is listed twice")
        require(bool(self.documents), "documents", "name the documents a firm provides")
        require(self.provider not in self.partners, "partners", "the provider is not a partner")


@dataclasses.dataclass(frozen=True, slots=True)
class PolicyDocument:
    """The public text a policy rests on (`document_ref`: the corpus id, when it is there)."""

    issuer: str
    doc_no: str
    source_url: str
    document_ref: str | None = None
    cited_paragraph: str | None = None
    confirmed: bool = False  # False: the reference is recalled, not checked against the original


@dataclasses.dataclass(frozen=True, slots=True)
class PolicySpec:
    """One support policy; met from shared data and `AUTOMATIC` → entitled without applying."""

    code: str
    owner: str
    name: Text
    summary: Text
    document: PolicyDocument
    mode: PolicyMode
    benefit_kind: BenefitKind
    benefit: Text
    eligibility: Mapping[str, Any]
    validity: Validity
    provenance: Provenance
    stages: tuple[Stage, ...] = tuple(Stage)
    amount: AmountRange | None = None  # bounds of the benefit paid to the firm, if money
    sizing: Mapping[str, Any] | None = None
    status: ProductStatus = ProductStatus.PUBLISHED

    def __post_init__(self) -> None:
        require(bool(CODE_PATTERN.match(self.code)), "code", "lower-case words joined by . or _")
        require((self.amount is None) == (self.sizing is None), "sizing", "amount with sizing")
