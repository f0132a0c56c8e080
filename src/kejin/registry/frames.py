"""The columnar form of registry data: one Polars frame per table, in storage units.

This is the contract between producers of registry data in bulk (file imports, the demo
region generator) and the bulk writer. Child frames are keyed by `uscc`; the writer resolves
enterprise ids. Money is Int64 fen, ratios Int64 10^-4 units, enums their string values,
dates `pl.Date`, `investors` a JSON array as text.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl

PROVENANCE = {"source": pl.Utf8, "as_of": pl.Date}

SCHEMAS: dict[str, dict[str, pl.DataType | type[pl.DataType]]] = {
    "enterprises": {
        "uscc": pl.Utf8,
        "name": pl.Utf8,
        "region": pl.Utf8,
        "industry_code": pl.Utf8,
        "cluster": pl.Utf8,
        "emerging_industry": pl.Utf8,
        "founded_on": pl.Date,
        **PROVENANCE,
    },
    "staff_years": {
        "uscc": pl.Utf8,
        "year": pl.Int32,
        "total": pl.Int32,
        "tech": pl.Int32,
        "rd": pl.Int32,
        **PROVENANCE,
    },
    "financial_years": {
        "uscc": pl.Utf8,
        "year": pl.Int32,
        "revenue": pl.Int64,
        "main_business_revenue": pl.Int64,
        "high_tech_revenue": pl.Int64,
        "total_costs": pl.Int64,
        "rd_expense": pl.Int64,
        "rd_domestic_share": pl.Int64,
        "total_assets": pl.Int64,
        "total_liabilities": pl.Int64,
        "net_profit": pl.Int64,
        **PROVENANCE,
    },
    "ip_assets": {
        "uscc": pl.Utf8,
        "ip_type": pl.Utf8,
        "number": pl.Utf8,
        "title": pl.Utf8,
        "filed_on": pl.Date,
        "granted_on": pl.Date,
        "expires_on": pl.Date,
        "status": pl.Utf8,
        "origin": pl.Utf8,
        "main_product_related": pl.Boolean,
        "claims": pl.Int32,
        "forward_citations": pl.Int32,
        "family_size": pl.Int32,
        **PROVENANCE,
    },
    "certifications": {
        "uscc": pl.Utf8,
        "kind": pl.Utf8,
        "number": pl.Utf8,
        "valid_from": pl.Date,
        "valid_to": pl.Date,
        **PROVENANCE,
    },
    "funding_rounds": {
        "uscc": pl.Utf8,
        "closed_on": pl.Date,
        "stage": pl.Utf8,
        "amount": pl.Int64,
        "investors": pl.Utf8,
        **PROVENANCE,
    },
    "standards": {
        "uscc": pl.Utf8,
        "code": pl.Utf8,
        "title": pl.Utf8,
        "level": pl.Utf8,
        "role": pl.Utf8,
        "year": pl.Int32,
        **PROVENANCE,
    },
    "awards": {
        "uscc": pl.Utf8,
        "name": pl.Utf8,
        "level": pl.Utf8,
        "rank": pl.Int32,
        "year": pl.Int32,
        **PROVENANCE,
    },
    "rd_institutions": {
        "uscc": pl.Utf8,
        "name": pl.Utf8,
        "level": pl.Utf8,
        "recognised_on": pl.Date,
        **PROVENANCE,
    },
    "compliance_flags": {
        "uscc": pl.Utf8,
        "kind": pl.Utf8,
        "occurred_on": pl.Date,
        "note": pl.Utf8,
        **PROVENANCE,
    },
}


# Columns that hold money (Int64 fen) and ratios (Int64 10^-4 units), per table.
MONEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "financial_years": (
        "revenue",
        "main_business_revenue",
        "high_tech_revenue",
        "total_costs",
        "rd_expense",
        "total_assets",
        "total_liabilities",
        "net_profit",
    ),
    "funding_rounds": ("amount",),
}
RATIO_COLUMNS: dict[str, tuple[str, ...]] = {"financial_years": ("rd_domestic_share",)}


@dataclass(frozen=True)
class RegistryFrames:
    """A batch of registry data: enterprises plus their child rows, one frame per table."""

    enterprises: pl.DataFrame
    staff_years: pl.DataFrame
    financial_years: pl.DataFrame
    ip_assets: pl.DataFrame
    certifications: pl.DataFrame
    funding_rounds: pl.DataFrame
    standards: pl.DataFrame
    awards: pl.DataFrame
    rd_institutions: pl.DataFrame
    compliance_flags: pl.DataFrame

    def __post_init__(self) -> None:
        for name, frame in self.items():
            expected = SCHEMAS[name]
            if dict(frame.schema) != expected:
                raise ValueError(
                    f"{name} frame has schema {dict(frame.schema)}, expected {expected}"
                )

    def items(self) -> list[tuple[str, pl.DataFrame]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    @classmethod
    def concat(cls, parts: list[RegistryFrames]) -> RegistryFrames:
        """One batch of several (an empty list gives empty frames)."""
        if not parts:
            return cls.empty()
        return cls(**{name: pl.concat([getattr(part, name) for part in parts]) for name in SCHEMAS})

    @classmethod
    def empty(cls) -> RegistryFrames:
        return cls(**{name: pl.DataFrame(schema=schema) for name, schema in SCHEMAS.items()})
