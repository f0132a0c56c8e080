"""Small hand-made `RegistryFrames` for snapshot tests: rows name only what a test is about."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import polars as pl

from kejin.assessment.inputs.frames import snapshot_from_row
from kejin.assessment.inputs.single import snapshot_of
from kejin.assessment.inputs.snapshots import build_snapshots
from kejin.assessment.inputs.sources import KEY, SOURCE_COLUMNS, sources_of
from kejin.assessment.model import EnterpriseSnapshot
from kejin.registry.frames import SCHEMAS, RegistryFrames

FIRM = "91440300MA5TEST01X"
PROVENANCE = {"source": "test", "as_of": date(2025, 12, 31)}
DEFAULTS: dict[str, dict[str, Any]] = {
    "enterprises": {
        "uscc": FIRM,
        "name": "深圳测试科技有限公司",
        "region": "南山区",
        "industry_code": "6513",
        "cluster": "software",
        "emerging_industry": "next_gen_it",
        "founded_on": date(2015, 3, 1),
    },
    "staff_years": {"year": 2024, "total": 100, "tech": 30, "rd": 20},
    "financial_years": {
        "year": 2024,
        "revenue": 10_000_000_00,
        "main_business_revenue": 9_000_000_00,
        "high_tech_revenue": 7_000_000_00,
        "total_costs": 8_000_000_00,
        "rd_expense": 600_000_00,
        "rd_domestic_share": 10_000,
        "total_assets": 20_000_000_00,
        "total_liabilities": 5_000_000_00,
        "net_profit": 1_000_000_00,
    },
    "ip_assets": {
        "ip_type": "invention_patent",
        "number": "ZL1",
        "title": None,
        "filed_on": date(2020, 1, 1),
        "granted_on": date(2022, 1, 1),
        "expires_on": date(2040, 1, 1),
        "status": "granted",
        "origin": "self_developed",
        "main_product_related": True,
        "claims": None,
        "forward_citations": None,
        "family_size": 1,
    },
    "certifications": {
        "kind": "tech_sme",
        "number": "C1",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2025, 12, 31),
    },
    "funding_rounds": {
        "closed_on": date(2024, 6, 30),
        "stage": "series_a",
        "amount": 1_000_000_00,
        "investors": "[]",
    },
    "standards": {
        "code": "GB/T 1",
        "title": "标准",
        "level": "national",
        "role": "led",
        "year": 2024,
    },
    "awards": {"name": "科学技术进步奖", "level": "national", "rank": 1, "year": 2024},
    "rd_institutions": {
        "name": "技术中心",
        "level": "provincial",
        "recognised_on": date(2020, 1, 1),
    },
    "compliance_flags": {
        "kind": "quality_incident",
        "occurred_on": date(2024, 1, 1),
        "note": None,
    },
}


def registry(**tables: list[dict[str, Any]]) -> RegistryFrames:
    """Frames with the given rows over `DEFAULTS` (one default enterprise unless given);
    child rows belong to `FIRM` unless they name another `uscc`."""
    tables.setdefault("enterprises", [{}])
    frames = {}
    for name, schema in SCHEMAS.items():
        owner = {} if name == "enterprises" else {"uscc": FIRM}
        rows = [owner | DEFAULTS[name] | PROVENANCE | row for row in tables.get(name, [])]
        frames[name] = pl.DataFrame(rows, schema=schema, orient="row")
    return RegistryFrames(**frames)


def snapshot(on: date, **tables: list[dict[str, Any]]) -> EnterpriseSnapshot:
    """The snapshot of the first enterprise of `registry(**tables)` as of `on`, which the
    scalar derivations must give too."""
    frames = registry(**tables)
    built = snapshot_from_row(build_snapshots(frames, on).row(0, named=True))
    assert exact(single_snapshots(frames, on)[0]) == exact(built)
    return built


def exact(snapshot: EnterpriseSnapshot) -> dict[str, tuple[str, Any]]:
    """Each input with its type and text, so `Decimal("1")` differs from `Decimal("1.00")`
    (answers show the text) and `True` from `1`."""
    shown: dict[str, tuple[str, Any]] = {}
    for field in dataclasses.fields(snapshot):
        value = getattr(snapshot, field.name)
        if isinstance(value, frozenset):
            text: Any = sorted(value)
        elif isinstance(value, tuple):
            text = [str(item) for item in value]
        else:
            text = str(value)
        shown[field.name] = (type(value).__name__, text)
    return shown


def single_snapshots(frames: RegistryFrames, on: date) -> list[EnterpriseSnapshot]:
    """The snapshot of every enterprise of `frames` by the scalar derivations, in order."""
    sources = sources_of(frames)
    rows = {table: getattr(sources, table).to_dicts() for table in SOURCE_COLUMNS}
    return [
        snapshot_of(
            enterprise,
            {
                table: [row for row in found if row[KEY] == enterprise[KEY]]
                for table, found in rows.items()
            },
            on,
        )
        for enterprise in rows["enterprises"]
    ]
