"""Pure registry vocabulary: enumerations and the credit-code check. No framework imports.

Chinese terms appear once here, next to the English names used in code (see the glossary).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import polars as pl
from stdnum.cn import uscc as _uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from kejin.registry.errors import InvalidCreditCode


class Stage(StrEnum):
    """Life-cycle stage (种子期·初创期·成长期·扩张期·成熟期)."""

    SEED = "seed"
    START_UP = "start_up"
    GROWTH = "growth"
    EXPANSION = "expansion"
    MATURE = "mature"


class IndustryCluster(StrEnum):
    """Industry clusters of the region (产业集群)."""

    BRAIN_SCIENCE = "brain_science"  # 脑科学与脑机接口
    AI = "ai"  # 人工智能
    BIOMEDICINE = "biomedicine"  # 生物医药
    SEMICONDUCTORS = "semiconductors"  # 集成电路
    NEW_MATERIALS = "new_materials"  # 新材料
    NEW_ENERGY = "new_energy"  # 新能源
    SOFTWARE = "software"  # 软件和信息服务
    HIGH_END_EQUIPMENT = "high_end_equipment"  # 高端装备


class EmergingIndustry(StrEnum):
    """Strategic emerging industry categories (战略性新兴产业分类 2018), first level."""

    NEXT_GEN_IT = "next_gen_it"  # 新一代信息技术产业
    HIGH_END_EQUIPMENT = "high_end_equipment"  # 高端装备制造产业
    NEW_MATERIALS = "new_materials"  # 新材料产业
    BIOTECH = "biotech"  # 生物产业
    NEW_ENERGY_VEHICLES = "new_energy_vehicles"  # 新能源汽车产业
    NEW_ENERGY = "new_energy"  # 新能源产业
    ENERGY_SAVING = "energy_saving"  # 节能环保产业
    DIGITAL_CREATIVE = "digital_creative"  # 数字创意产业
    RELATED_SERVICES = "related_services"  # 相关服务业
    NONE = "none"  # 不属于战略性新兴产业


class IPType(StrEnum):
    """Intellectual-property asset types (知识产权类型)."""

    INVENTION_PATENT = "invention_patent"  # 发明专利
    UTILITY_MODEL = "utility_model"  # 实用新型
    DESIGN_PATENT = "design_patent"  # 外观设计
    SOFTWARE_COPYRIGHT = "software_copyright"  # 软件著作权
    IC_LAYOUT = "ic_layout"  # 集成电路布图设计
    PLANT_VARIETY = "plant_variety"  # 植物新品种
    NEW_DRUG = "new_drug"  # 国家新药
    TRADEMARK = "trademark"  # 商标


CLASS_I_IP = frozenset(
    {IPType.INVENTION_PATENT, IPType.IC_LAYOUT, IPType.PLANT_VARIETY, IPType.NEW_DRUG}
)
CLASS_II_IP = frozenset({IPType.UTILITY_MODEL, IPType.DESIGN_PATENT, IPType.SOFTWARE_COPYRIGHT})


class IPStatus(StrEnum):
    """Legal status of an IP asset (法律状态)."""

    PENDING = "pending"  # 审中
    GRANTED = "granted"  # 授权/有效
    EXPIRED = "expired"  # 届满
    INVALIDATED = "invalidated"  # 无效
    LAPSED = "lapsed"  # 未缴年费失效


class IPOrigin(StrEnum):
    SELF_DEVELOPED = "self_developed"  # 自主研发
    ACQUIRED = "acquired"  # 受让/并购


class CertificationKind(StrEnum):
    HIGH_TECH = "high_tech"  # 高新技术企业
    TECH_SME = "tech_sme"  # 科技型中小企业
    INNOVATIVE_SME = "innovative_sme"  # 创新型中小企业
    SPECIALISED_SME = "specialised_sme"  # 专精特新中小企业
    LITTLE_GIANT = "little_giant"  # 专精特新"小巨人"


class FundingStage(StrEnum):
    SEED = "seed"  # 种子轮
    ANGEL = "angel"  # 天使轮
    PRE_A = "pre_a"
    SERIES_A = "series_a"
    SERIES_B = "series_b"
    SERIES_C = "series_c"
    LATER = "later"  # C轮以后/Pre-IPO
    STRATEGIC = "strategic"  # 战略投资


class StandardLevel(StrEnum):
    INTERNATIONAL = "international"
    NATIONAL = "national"
    INDUSTRY = "industry"
    LOCAL = "local"
    GROUP = "group"  # 团体标准


class StandardRole(StrEnum):
    LED = "led"  # 主持/牵头
    PARTICIPATED = "participated"  # 参与


class Level(StrEnum):
    """Administrative level of an award or an R&D institution."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"  # 省部级
    MUNICIPAL = "municipal"
    DISTRICT = "district"


class ComplianceKind(StrEnum):
    SAFETY_INCIDENT = "safety_incident"  # 重大安全事故
    QUALITY_INCIDENT = "quality_incident"  # 重大质量事故
    ENVIRONMENTAL_VIOLATION = "environmental_violation"  # 严重环境违法
    RESEARCH_MISCONDUCT = "research_misconduct"  # 科研严重失信
    SERIOUS_DISHONESTY = "serious_dishonesty"  # 严重失信主体名单
    RESTRICTED_PRODUCT = "restricted_product"  # 禁止/限制/淘汰类产品


USCC_LENGTH = 18


def validate_credit_code(code: str) -> str:
    """Return the unified social credit code (统一社会信用代码) upper-cased, or raise.

    Format and the GB 32100-2015 check character come from python-stdnum; a wrong check
    character names the expected one.
    """
    compact = _uscc.compact(code)
    try:
        return str(_uscc.validate(compact))
    except InvalidChecksum:
        expected = _uscc.calc_check_digit(compact[:-1])
        raise InvalidCreditCode(
            "check character of {code} is {actual}, expected {expected}",
            code=compact,
            actual=compact[-1],
            expected=expected,
        ) from None
    except InvalidLength:
        raise InvalidCreditCode(
            "credit code {code} has {length} characters, expected 18",
            code=compact,
            length=len(compact),
        ) from None
    except (InvalidFormat, InvalidComponent):
        raise InvalidCreditCode(
            "credit code {code} is not in the GB 32100-2015 format", code=compact
        ) from None


def credit_code_with_check(first17: str) -> str:
    """Append the GB 32100-2015 check character to the first 17 characters of a code."""
    return first17 + _uscc.calc_check_digit(first17)


# Life-cycle stage by last-year revenue, in CNY (Wenzhou Longwan innovation-points practice,
# RULES.md §5): seed < 100万 ≤ start-up < 500万 ≤ growth < 2,000万 ≤ expansion < 1亿 ≤ mature.
# A default a region may change; the assessment issue makes it configurable with age and funding.
STAGE_REVENUE_FLOORS: tuple[tuple[Stage, Decimal], ...] = (
    (Stage.MATURE, Decimal(100_000_000)),
    (Stage.EXPANSION, Decimal(20_000_000)),
    (Stage.GROWTH, Decimal(5_000_000)),
    (Stage.START_UP, Decimal(1_000_000)),
    (Stage.SEED, Decimal(0)),
)


def stage_for_revenue(revenue: Decimal) -> Stage:
    """The life-cycle stage (生命周期阶段) a last-year revenue falls in."""
    for stage, floor in STAGE_REVENUE_FLOORS:
        if revenue >= floor:
            return stage
    return Stage.SEED


def stage_expr(revenue_fen: pl.Expr) -> pl.Expr:
    """`stage_for_revenue` as a Polars expression over revenue in fen (vectorised)."""
    expr: pl.Expr = pl.lit(Stage.SEED.value)
    for stage, floor in reversed(STAGE_REVENUE_FLOORS[:-1]):
        expr = pl.when(revenue_fen >= int(floor * 100)).then(pl.lit(stage.value)).otherwise(expr)
    return expr
