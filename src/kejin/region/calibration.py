"""Calibration tables of the demo region (示范园区): every distribution parameter as data.

Stages are indexed in `STAGES` order and clusters in `CLUSTERS` order; each table row follows
that order. Sources for each figure are given in docs/demo-region.md (RULES.md §1–§5, §11).
Amounts are CNY (yuan) unless a name says otherwise.
"""

from __future__ import annotations

from datetime import date

from kejin.lending.model import LoanProduct
from kejin.registry.model import (
    EmergingIndustry,
    FundingStage,
    IndustryCluster,
    IPType,
    Stage,
)

WAN = 10_000
YI = 100_000_000
DEFAULT_ENTERPRISES = 5_000
MAX_ENTERPRISES = 1_000_000
DEFAULT_SEED = 2024
DEFAULT_AS_OF = date(2025, 12, 31)
SOURCE = "demo"
CHUNK_SIZE = 100_000

STAGES = tuple(Stage)
CLUSTERS = tuple(IndustryCluster)

# --- Zone, districts and names -------------------------------------------------------------
CITY = "深圳"
DISTRICTS: tuple[tuple[str, str, float], ...] = (  # (region name, admin division code, share)
    ("南山区", "440305", 0.30),
    ("宝安区", "440306", 0.18),
    ("龙岗区", "440307", 0.14),
    ("龙华区", "440309", 0.12),
    ("光明区", "440311", 0.10),
    ("坪山区", "440310", 0.08),
    ("福田区", "440304", 0.08),
)
BRAND_CHARS = "".join(
    dict.fromkeys(  # distinct characters, so distinct slots give distinct brands
        "华创科智芯脑链源新达瑞恒泰联云微睿博思维数图灵析知元启明宇航星辰光子量易峰海川和鼎盛"
        "凯锐捷迅飞腾跃卓越精准优嘉禾安康健晶格核微能电储氢碳铂钛硅光磁波弦频感视听触算力"
        "因基蛋酶肽研药医生材合聚纳米膜晟昊昕玥琪珑璟瑜琨琛蓝青紫橙翼鹰隼龙凤麟"
    )
)
CLUSTER_NAME_WORDS: dict[IndustryCluster, tuple[str, ...]] = {
    IndustryCluster.BRAIN_SCIENCE: ("脑机科技", "神经科技", "类脑智能", "脑科学技术"),
    IndustryCluster.AI: ("智能科技", "人工智能", "机器人", "智能视觉"),
    IndustryCluster.BIOMEDICINE: ("生物医药", "生物科技", "医药科技", "基因技术"),
    IndustryCluster.SEMICONDUCTORS: ("半导体", "微电子", "集成电路", "芯片技术"),
    IndustryCluster.NEW_MATERIALS: ("新材料", "材料科技", "纳米材料", "先进材料"),
    IndustryCluster.NEW_ENERGY: ("新能源", "储能科技", "光伏科技", "氢能科技"),
    IndustryCluster.SOFTWARE: ("软件", "信息技术", "数据科技", "网络科技"),
    IndustryCluster.HIGH_END_EQUIPMENT: ("智能装备", "精密机械", "自动化", "装备科技"),
}
CLUSTER_FIELDS = (
    "脑机接口",
    "人工智能",
    "生物医药",
    "集成电路",
    "先进材料",
    "新能源",
    "工业软件",
    "智能装备",
)
CLUSTER_SHARES = (0.07, 0.15, 0.12, 0.10, 0.10, 0.10, 0.22, 0.14)

# (GB/T 4754-2017 code, strategic emerging industry, share within the cluster)
INDUSTRIES: dict[IndustryCluster, tuple[tuple[str, EmergingIndustry, float], ...]] = {
    IndustryCluster.BRAIN_SCIENCE: (
        ("3589", EmergingIndustry.BIOTECH, 0.45),  # 其他医疗设备及器械制造
        ("7340", EmergingIndustry.BIOTECH, 0.25),  # 医学研究和试验发展
        ("6513", EmergingIndustry.NEXT_GEN_IT, 0.30),  # 应用软件开发
    ),
    IndustryCluster.AI: (
        ("6513", EmergingIndustry.NEXT_GEN_IT, 0.45),  # 应用软件开发
        ("6531", EmergingIndustry.NEXT_GEN_IT, 0.20),  # 信息系统集成服务
        ("3964", EmergingIndustry.NEXT_GEN_IT, 0.20),  # 服务消费机器人制造
        ("3963", EmergingIndustry.HIGH_END_EQUIPMENT, 0.15),  # 智能无人飞行器制造
    ),
    IndustryCluster.BIOMEDICINE: (
        ("2761", EmergingIndustry.BIOTECH, 0.35),  # 生物药品制造
        ("2720", EmergingIndustry.BIOTECH, 0.20),  # 化学药品制剂制造
        ("3581", EmergingIndustry.BIOTECH, 0.25),  # 医疗诊断、监护及治疗设备制造
        ("7340", EmergingIndustry.BIOTECH, 0.20),  # 医学研究和试验发展
    ),
    IndustryCluster.SEMICONDUCTORS: (
        ("6520", EmergingIndustry.NEXT_GEN_IT, 0.45),  # 集成电路设计
        ("3973", EmergingIndustry.NEXT_GEN_IT, 0.25),  # 集成电路制造
        ("3972", EmergingIndustry.NEXT_GEN_IT, 0.15),  # 半导体分立器件制造
        ("3562", EmergingIndustry.HIGH_END_EQUIPMENT, 0.15),  # 半导体器件专用设备制造
    ),
    IndustryCluster.NEW_MATERIALS: (
        ("3985", EmergingIndustry.NEW_MATERIALS, 0.35),  # 电子专用材料制造
        ("3091", EmergingIndustry.NEW_MATERIALS, 0.20),  # 石墨及碳素制品制造
        ("2669", EmergingIndustry.NEW_MATERIALS, 0.25),  # 其他专用化学产品制造
        ("3240", EmergingIndustry.NEW_MATERIALS, 0.20),  # 有色金属合金制造
    ),
    IndustryCluster.NEW_ENERGY: (
        ("3841", EmergingIndustry.NEW_ENERGY_VEHICLES, 0.40),  # 锂离子电池制造
        ("3825", EmergingIndustry.NEW_ENERGY, 0.30),  # 光伏设备及元器件制造
        ("3612", EmergingIndustry.NEW_ENERGY_VEHICLES, 0.10),  # 新能源车整车制造
        ("4416", EmergingIndustry.NEW_ENERGY, 0.20),  # 太阳能发电
    ),
    IndustryCluster.SOFTWARE: (
        ("6513", EmergingIndustry.NEXT_GEN_IT, 0.45),  # 应用软件开发
        ("6511", EmergingIndustry.NEXT_GEN_IT, 0.15),  # 基础软件开发
        ("6531", EmergingIndustry.NEXT_GEN_IT, 0.25),  # 信息系统集成服务
        ("6550", EmergingIndustry.NEXT_GEN_IT, 0.15),  # 信息处理和存储支持服务
    ),
    IndustryCluster.HIGH_END_EQUIPMENT: (
        ("3491", EmergingIndustry.HIGH_END_EQUIPMENT, 0.40),  # 工业机器人制造
        ("3421", EmergingIndustry.HIGH_END_EQUIPMENT, 0.25),  # 金属切削机床制造
        ("4019", EmergingIndustry.HIGH_END_EQUIPMENT, 0.20),  # 其他通用仪器制造
        ("3741", EmergingIndustry.HIGH_END_EQUIPMENT, 0.15),  # 飞机制造
    ),
}

# --- Stage mix and firm size (rows in STAGES order) -------------------------------------------
STAGE_SHARES = (0.28, 0.30, 0.24, 0.12, 0.06)
REVENUE_BAND = (
    (10 * WAN, 100 * WAN),
    (100 * WAN, 500 * WAN),
    (500 * WAN, 2_000 * WAN),
    (2_000 * WAN, YI),
    (YI, 30 * YI),
)
REVENUE_SKEW = (1.0, 1.0, 1.0, 1.0, 1.8)  # u**skew pulls the open-ended mature band down
AGE_YEARS = ((0.3, 3.0), (1.0, 5.0), (2.0, 8.0), (4.0, 12.0), (7.0, 25.0))
STAFF_BAND = ((2, 15), (5, 40), (15, 120), (50, 400), (200, 3_000))
REVENUE_GROWTH = ((1.00, 0.50), (0.50, 0.35), (0.30, 0.25), (0.18, 0.15), (0.08, 0.10))
NET_MARGIN = ((-0.80, 0.50), (-0.25, 0.20), (0.03, 0.10), (0.07, 0.07), (0.09, 0.06))
ASSETS_TO_REVENUE = (3.0, 1.6, 1.2, 1.1, 1.3)
DEBT_RATIO_MEAN = (0.30, 0.38, 0.45, 0.50, 0.52)
DEBT_RATIO_CONCENTRATION = 6.0
HIGH_TECH_SHARE_BETA = (6.0, 2.5)
DOMESTIC_RD_FULL_SHARE = 0.85  # firms doing all R&D in China; others draw U(0.4, 1)
YEARS = 3

# --- Technology: R&D intensity, tech staff, IP (clusters in CLUSTERS order) -------------------
RD_INTENSITY_MEDIAN = (0.20, 0.15, 0.14, 0.13, 0.045, 0.040, 0.12, 0.055)  # growth stage
RD_STAGE_FACTOR = (2.5, 1.6, 1.0, 0.8, 0.7)
RD_INTENSITY_SIGMA = 0.45  # log-scale spread of R&D intensity around the median
RD_INNOVATION_LOADING = 0.30  # part of that spread driven by the firm's innovation propensity
TECH_STAFF_RATIO = (0.55, 0.60, 0.40, 0.45, 0.25, 0.22, 0.55, 0.28)
TECH_STAFF_STAGE_FACTOR = (1.2, 1.1, 1.0, 0.9, 0.85)
RD_STAFF_OF_TECH = (0.45, 0.90)

IP_TYPES = (
    IPType.INVENTION_PATENT,
    IPType.UTILITY_MODEL,
    IPType.DESIGN_PATENT,
    IPType.SOFTWARE_COPYRIGHT,
    IPType.IC_LAYOUT,
    IPType.NEW_DRUG,
    IPType.TRADEMARK,
)
# Expected count per firm at the growth stage, by cluster (rows) and IP_TYPES (columns).
IP_RATE = (
    (1.5, 1.2, 0.4, 1.5, 0.0, 0.0, 0.8),  # brain science / BCI
    (1.5, 0.8, 0.3, 3.0, 0.05, 0.0, 1.2),  # AI
    (1.5, 0.8, 0.2, 0.2, 0.0, 0.03, 1.0),  # biomedicine
    (2.0, 1.0, 0.05, 0.4, 1.5, 0.0, 0.5),  # semiconductors
    (1.2, 2.0, 0.1, 0.1, 0.0, 0.0, 0.6),  # new materials
    (1.0, 2.5, 0.3, 0.2, 0.0, 0.0, 0.7),  # new energy
    (0.6, 0.2, 0.1, 4.0, 0.0, 0.0, 1.5),  # software
    (1.0, 3.0, 0.5, 0.6, 0.0, 0.0, 0.7),  # high-end equipment
)
IP_STAGE_FACTOR = (0.2, 0.5, 1.0, 2.0, 4.0)
IP_ACQUIRED_SHARE = 0.08
IP_MAIN_PRODUCT_SHARE = 0.75
# Days from filing to grant/registration (uniform), and term in years (None: no expiry).
IP_GRANT_LAG_DAYS = (
    (540, 1100),
    (150, 360),
    (120, 300),
    (30, 120),
    (90, 240),
    (700, 2000),
    (270, 540),
)
IP_TERM_YEARS: tuple[int | None, ...] = (20, 10, 15, 50, 10, None, 10)
IP_LAPSE_SHARE = 0.04  # granted patents lost for unpaid annual fees
IP_INVALIDATED_SHARE = 0.01  # invention patents declared invalid

# --- Funding rounds -------------------------------------------------------------------------
MAX_ROUNDS = (1, 2, 3, 4, 5)
ROUND_LADDER = (
    FundingStage.ANGEL,
    FundingStage.PRE_A,
    FundingStage.SERIES_A,
    FundingStage.SERIES_B,
    FundingStage.SERIES_C,
)
ROUND_AMOUNT: dict[FundingStage, tuple[int, int]] = {
    FundingStage.SEED: (50 * WAN, 300 * WAN),
    FundingStage.ANGEL: (200 * WAN, 1_500 * WAN),
    FundingStage.PRE_A: (500 * WAN, 3_000 * WAN),
    FundingStage.SERIES_A: (1_500 * WAN, 8_000 * WAN),
    FundingStage.SERIES_B: (5_000 * WAN, 2 * YI),
    FundingStage.SERIES_C: (1 * YI, 6 * YI),
    FundingStage.LATER: (3 * YI, 15 * YI),
    FundingStage.STRATEGIC: (3_000 * WAN, 3 * YI),
}
INVESTORS = (
    "深创投",
    "红杉中国",
    "IDG资本",
    "启明创投",
    "高瓴创投",
    "经纬创投",
    "元禾原点",
    "中科创星",
    "园区天使引导基金",
    "招商局创投",
    "达晨财智",
    "君联资本",
    "松禾资本",
    "同创伟业",
    "线性资本",
    "北极光创投",
)

# --- Standards, awards, R&D institutions, compliance (probability per stage) ----------------
STANDARD_SHARE = (0.0, 0.01, 0.04, 0.12, 0.30)
AWARD_SHARE = (0.005, 0.02, 0.06, 0.15, 0.30)
RD_INSTITUTION_SHARE = (0.0, 0.02, 0.10, 0.25, 0.50)
COMPLIANCE_FLAG_SHARE = 0.004

# --- Certificates: take-up among firms meeting the conditions, validity in years -------------
CERT_TAKE_UP = {
    "tech_sme": 0.70,
    "high_tech": 0.75,
    "innovative_sme": 0.45,
    "specialised_sme": 0.55,
    "little_giant": 0.50,
}
CERT_VALID_YEARS = {"high_tech": 3, "innovative_sme": 3, "specialised_sme": 3, "little_giant": 3}

# --- Loans -----------------------------------------------------------------------------------
ONE_YEAR_LPR = 0.0300  # loan prime rate, one year (parameter of the demo)
LOAN_TAKE_UP = (0.15, 0.40, 0.60, 0.70, 0.75)
EXTRA_LOANS = (0.2, 0.3, 0.6, 1.0, 1.5)  # Poisson mean of further loans for a borrower
LOAN_AMOUNT = (
    (100 * WAN, 300 * WAN),
    (200 * WAN, 500 * WAN),
    (300 * WAN, 1_000 * WAN),
    (500 * WAN, 2_000 * WAN),
    (1_000 * WAN, 3_000 * WAN),
)
LOAN_TERMS = ((12, 0.6), (24, 0.2), (36, 0.2))
LOAN_WINDOW_YEARS = 5
LOAN_PRODUCTS = tuple(LoanProduct)
# Product mix by stage (columns in LOAN_PRODUCTS order).
LOAN_PRODUCT_MIX = (
    (0.30, 0.30, 0.15, 0.05, 0.10, 0.05, 0.00, 0.05, 0.00),
    (0.30, 0.15, 0.15, 0.10, 0.10, 0.08, 0.02, 0.08, 0.02),
    (0.30, 0.05, 0.12, 0.12, 0.08, 0.12, 0.06, 0.10, 0.05),
    (0.30, 0.02, 0.08, 0.12, 0.06, 0.15, 0.07, 0.10, 0.10),
    (0.35, 0.00, 0.05, 0.10, 0.05, 0.15, 0.05, 0.10, 0.15),
)
LOAN_SPREAD_BP = {
    LoanProduct.CREDIT: 60,
    LoanProduct.FIRST_LOAN: 40,
    LoanProduct.INNOVATION_POINTS: 30,
    LoanProduct.RD: 40,
    LoanProduct.TALENT: 20,
    LoanProduct.IP_PLEDGE: 50,
    LoanProduct.WARRANT: 10,
    LoanProduct.GUARANTEED: 70,
    LoanProduct.MORTGAGE: 30,
}
LOAN_SPREAD_NOISE_BP = (0, 80)
LENDERS = (
    "招商银行深圳分行",
    "中国银行深圳分行",
    "建设银行深圳分行",
    "浦发硅谷银行",
    "宁波银行深圳分行",
    "兴业银行深圳分行",
    "杭州银行深圳分行",
    "深圳农村商业银行",
)

# The generating model of loan default: logit PD = intercept + Σ coefficient · signal.
# Signals are the borrower's last-year values (docs/demo-region.md defines each one).
DEFAULT_MODEL: dict[str, float] = {
    "intercept": -2.1,
    "debt_ratio": 3.0,
    "net_margin": -1.5,
    "revenue_growth": -0.6,
    "log_revenue_wan": -0.20,
    "rd_intensity": -1.5,
    "log1p_invention_patents": -0.35,
    "tech_staff_ratio": -1.0,
    "high_tech_certificate": -0.40,
    "has_equity_funding": -0.30,
    "log1p_age_years": -0.30,
    "stage_seed": 0.60,
    "stage_start_up": 0.30,
    "stage_expansion": -0.10,
    "stage_mature": -0.20,
    "compliance_flag": 1.00,
}
