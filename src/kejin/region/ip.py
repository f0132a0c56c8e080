"""Demo IP assets (知识产权): counts by cluster and stage, dates, legal status and quality fields.

One row per asset, built for a whole chunk of firms at once. Also returns, per firm, the
counts of assets in force that the certification and default models read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from kejin.region import calibration as cal
from kejin.region.firms import Bools, Firms, Ints, date_series, day_number, provenance
from kejin.registry.model import CLASS_I_IP, CLASS_II_IP, IPOrigin, IPStatus, IPType

TITLE_OBJECTS: dict[str, tuple[str, ...]] = {
    "brain_science": ("脑电信号采集装置", "神经解码方法", "柔性脑电电极", "脑机交互系统"),
    "ai": ("图像识别方法", "语音交互系统", "服务机器人", "目标检测模型"),
    "biomedicine": ("抗体药物制剂", "基因检测试剂盒", "细胞培养方法", "医用监护设备"),
    "semiconductors": ("功率半导体器件", "模数转换芯片", "晶圆封装结构", "射频前端模组"),
    "new_materials": ("石墨烯复合材料", "高分子薄膜", "陶瓷基板", "高温合金"),
    "new_energy": ("锂电池正极材料", "光伏组件", "储能变流器", "电池管理系统"),
    "software": ("数据管理平台", "工业软件系统", "云计算调度方法", "信息安全系统"),
    "high_end_equipment": ("工业机器人关节", "数控机床主轴", "精密测量仪器", "自动化产线"),
}
TITLE_QUALIFIERS = (
    "基于深度学习的",
    "高精度",
    "低功耗",
    "多模态",
    "自适应",
    "高通量",
    "柔性",
    "模块化",
)
TYPE_TITLE = {  # (prefix, takes a qualifier, suffix)
    IPType.INVENTION_PATENT: ("一种", True, ""),
    IPType.UTILITY_MODEL: ("一种", True, ""),
    IPType.DESIGN_PATENT: ("", False, "（外观）"),
    IPType.SOFTWARE_COPYRIGHT: ("", False, "软件V1.0"),
    IPType.IC_LAYOUT: ("", False, "布图设计"),
    IPType.NEW_DRUG: ("注射用", False, ""),
    IPType.TRADEMARK: ("", False, "商标"),
}
PATENTS = (IPType.INVENTION_PATENT, IPType.UTILITY_MODEL, IPType.DESIGN_PATENT)


@dataclass(frozen=True)
class IPCounts:
    """Per firm: IP in force related to the main product, and all invention patents in force."""

    class_one: Ints
    class_one_self_developed: Ints
    class_two: Ints
    invention_patents: Ints


def draw_ip(
    rng: np.random.Generator, firms: Firms, as_of: date, serial_offset: int
) -> tuple[pl.DataFrame, IPCounts]:
    size = len(firms.cluster)
    rate = (
        np.array(cal.IP_RATE)[firms.cluster]
        * np.array(cal.IP_STAGE_FACTOR)[firms.stage, None]
        * np.exp(0.5 * firms.innovation - 0.125)[:, None]
    )
    counts = rng.poisson(rate)
    owner = np.repeat(np.arange(size), counts.sum(axis=1))
    kind = np.tile(np.arange(len(cal.IP_TYPES)), size)[
        np.repeat(np.arange(counts.size), counts.ravel())
    ]
    rows = len(owner)
    acquired = rng.random(rows) < cal.IP_ACQUIRED_SHARE
    today = day_number(as_of)
    life = today - firms.founded[owner]
    filed = np.where(
        acquired,
        today - rng.integers(365, 12 * 365, rows),
        firms.founded[owner] + (rng.uniform(0.05, 1.0, rows) * life).astype(np.int64),
    )
    lag_low, lag_high = np.array(cal.IP_GRANT_LAG_DAYS).T
    granted = filed + rng.integers(lag_low[kind], lag_high[kind])
    is_granted = granted <= today
    expires = _expiry(kind, filed, granted)
    status = _status(rng, kind, is_granted, expires, today)
    main_related = rng.random(rows) < cal.IP_MAIN_PRODUCT_SHARE
    assets = _Assets(
        owner=owner,
        kind=kind,
        filed=filed,
        granted=granted,
        is_granted=is_granted,
        expires=expires,
        status=status,
        acquired=acquired,
    )
    frame = _frame(rng, firms, assets, main_related, as_of=as_of, serial_offset=serial_offset)
    in_force = status == list(IPStatus).index(IPStatus.GRANTED)
    return frame, _counts(
        size,
        owner=owner,
        kind=kind,
        related=in_force & main_related,
        acquired=acquired,
        in_force=in_force,
    )


def _expiry(kind: Ints, filed: Ints, granted: Ints) -> Ints:
    """Expiry day (−1 when none): patents from filing, trademarks from registration."""
    term = np.array([t or 0 for t in cal.IP_TERM_YEARS])[kind]
    design = kind == cal.IP_TYPES.index(IPType.DESIGN_PATENT)
    term = np.where(design & (filed < day_number(date(2021, 6, 1))), 10, term)
    start = np.where(kind == cal.IP_TYPES.index(IPType.TRADEMARK), granted, filed)
    return np.where(term > 0, start + np.round(term * 365.25).astype(np.int64), -1)


def _status(
    rng: np.random.Generator, kind: Ints, is_granted: Bools, expires: Ints, today: int
) -> Ints:
    statuses = list(IPStatus)
    patent = np.isin(kind, [cal.IP_TYPES.index(t) for t in PATENTS])
    invention = kind == cal.IP_TYPES.index(IPType.INVENTION_PATENT)
    draw = rng.random(len(kind))
    status = np.full(len(kind), statuses.index(IPStatus.GRANTED))
    status[patent & (draw < cal.IP_LAPSE_SHARE)] = statuses.index(IPStatus.LAPSED)
    invalid = (
        invention
        & (draw >= cal.IP_LAPSE_SHARE)
        & (draw < cal.IP_LAPSE_SHARE + cal.IP_INVALIDATED_SHARE)
    )
    status[invalid] = statuses.index(IPStatus.INVALIDATED)
    status[(expires >= 0) & (expires <= today)] = statuses.index(IPStatus.EXPIRED)
    status[~is_granted] = statuses.index(IPStatus.PENDING)
    return status


@dataclass(frozen=True)
class _Assets:
    """The drawn assets of a chunk, one array element per asset."""

    owner: Ints  # position of the owning firm in the chunk
    kind: Ints  # position in IP_TYPES
    filed: Ints  # day numbers
    granted: Ints
    is_granted: Bools
    expires: Ints  # −1: no expiry
    status: Ints  # position in IPStatus
    acquired: Bools


def _frame(
    rng: np.random.Generator,
    firms: Firms,
    assets: _Assets,
    main_related: Bools,
    *,
    as_of: date,
    serial_offset: int,
) -> pl.DataFrame:
    owner, kind, filed, is_granted = assets.owner, assets.kind, assets.filed, assets.is_granted
    expires, rows = assets.expires, len(assets.owner)
    invention = kind == cal.IP_TYPES.index(IPType.INVENTION_PATENT)
    patent = np.isin(kind, [cal.IP_TYPES.index(t) for t in PATENTS])
    years_on = (day_number(as_of) - filed) / 365.25
    family = 1 + np.where(invention, rng.poisson(0.3 + 0.15 * firms.stage[owner]), 0)
    claims = np.where(
        invention, 1 + rng.poisson(8, rows), np.where(patent, 1 + rng.poisson(4, rows), 0)
    )
    citations = rng.poisson(np.where(invention, 0.3, 0.1) * np.maximum(years_on, 0) * family)
    return pl.DataFrame(
        {
            "uscc": firms.uscc.gather(owner),
            "ip_type": pl.Series([t.value for t in cal.IP_TYPES]).gather(kind),
            "number": _numbers(kind, filed, serial_offset + np.arange(rows)),
            "title": _titles(rng, firms, owner, kind),
            "filed_on": date_series("filed_on", filed),
            "granted_on": date_series("granted_on", assets.granted).set(
                pl.Series(~is_granted), None
            ),
            "expires_on": date_series("expires_on", expires).set(
                pl.Series(~is_granted | (expires < 0)), None
            ),
            "status": pl.Series([s.value for s in IPStatus]).gather(assets.status),
            "origin": np.where(
                assets.acquired, IPOrigin.ACQUIRED.value, IPOrigin.SELF_DEVELOPED.value
            ),
            "main_product_related": main_related,
            "claims": pl.Series(claims, dtype=pl.Int32).set(pl.Series(~patent), None),
            "forward_citations": pl.Series(citations, dtype=pl.Int32).set(pl.Series(~patent), None),
            "family_size": pl.Series(family, dtype=pl.Int32).set(pl.Series(~patent), None),
        }
    ).with_columns(provenance(as_of))


def _numbers(kind: Ints, filed: Ints, serial: Ints) -> pl.Series:
    """Application/registration numbers in each register's style (serials are synthetic)."""
    year = filed.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    frame = pl.DataFrame(
        {"kind": kind, "year": year, "serial": pl.Series(serial % 10**7).cast(pl.Utf8).str.zfill(7)}
    )
    ty = pl.col("kind")
    index = cal.IP_TYPES.index
    return frame.select(
        pl.when(ty == index(IPType.INVENTION_PATENT))
        .then(pl.format("CN{}1{}", "year", "serial"))
        .when(ty == index(IPType.UTILITY_MODEL))
        .then(pl.format("CN{}2{}", "year", "serial"))
        .when(ty == index(IPType.DESIGN_PATENT))
        .then(pl.format("CN{}3{}", "year", "serial"))
        .when(ty == index(IPType.SOFTWARE_COPYRIGHT))
        .then(pl.format("{}SR{}", "year", "serial"))
        .when(ty == index(IPType.IC_LAYOUT))
        .then(pl.format("BS.{}5{}", "year", "serial"))
        .when(ty == index(IPType.NEW_DRUG))
        .then(pl.format("国药准字S{}{}", "year", "serial"))
        .otherwise(pl.format("TM{}", "serial"))
        .alias("number")
    ).to_series()


def _titles(rng: np.random.Generator, firms: Firms, owner: Ints, kind: Ints) -> pl.Series:
    objects = [TITLE_OBJECTS[c.value] for c in cal.CLUSTERS]
    per_cluster = len(objects[0])
    obj = pl.Series([o for os in objects for o in os]).gather(
        firms.cluster[owner] * per_cluster + rng.integers(0, per_cluster, len(owner))
    )
    specs = [TYPE_TITLE[t] for t in cal.IP_TYPES]
    qualifier = pl.Series(TITLE_QUALIFIERS).gather(
        rng.integers(0, len(TITLE_QUALIFIERS), len(owner))
    )
    takes = np.array([s[1] for s in specs])[kind]
    frame = pl.DataFrame(
        {
            "prefix": pl.Series([s[0] for s in specs]).gather(kind),
            "qualifier": qualifier.set(pl.Series(~takes), ""),
            "object": obj,
            "suffix": pl.Series([s[2] for s in specs]).gather(kind),
        }
    )
    return frame.select(pl.concat_str("prefix", "qualifier", "object", "suffix")).to_series()


def _counts(
    size: int,
    *,
    owner: Ints,
    kind: Ints,
    related: Bools,
    acquired: Bools,
    in_force: Bools,
) -> IPCounts:
    class_one = np.isin(kind, [cal.IP_TYPES.index(t) for t in CLASS_I_IP if t in cal.IP_TYPES])
    class_two = np.isin(kind, [cal.IP_TYPES.index(t) for t in CLASS_II_IP])
    invention = kind == cal.IP_TYPES.index(IPType.INVENTION_PATENT)

    def per_firm(mask: Bools) -> Ints:
        return np.bincount(owner[mask], minlength=size).astype(np.int64)

    return IPCounts(
        class_one=per_firm(related & class_one),
        class_one_self_developed=per_firm(related & class_one & ~acquired),
        class_two=per_firm(related & class_two),
        invention_patents=per_firm(in_force & invention),
    )
