"""Snapshot sources: the registry columns the snapshot derivations read, keyed by an integer.

`SnapshotSources` is the contract between whoever supplies registry data — `RegistryFrames`
from a file (`sources_of`) or the database (`kejin.assessment.repository`) — and
`kejin.assessment.inputs.snapshots`, which derives the inputs. Pure: Polars only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from kejin.registry.frames import SCHEMAS, RegistryFrames
from kejin.registry.model import CLASS_I_IP, CLASS_II_IP, IPStatus

KEY = "key"  # an enterprise's integer key in `SnapshotSources`
# The IP rows that can count: main-product IP of these types and this status (dates decide
# the rest). Readers may leave the other rows out of `SnapshotSources.ip_assets`.
COUNTED_IP_TYPES: Final = CLASS_I_IP | CLASS_II_IP
COUNTED_IP_STATUS: Final = IPStatus.GRANTED
# The registry columns the derivations read, per table: what a reader must supply.
SOURCE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "enterprises": (
        "uscc",
        "name",
        "region",
        "industry_code",
        "cluster",
        "emerging_industry",
        "founded_on",
    ),
    "staff_years": ("year", "total", "tech", "rd"),
    "financial_years": (
        "year",
        "revenue",
        "main_business_revenue",
        "high_tech_revenue",
        "total_costs",
        "rd_expense",
        "rd_domestic_share",
        "total_assets",
        "total_liabilities",
        "net_profit",
    ),
    "ip_assets": (
        "ip_type",
        "filed_on",
        "granted_on",
        "expires_on",
        "status",
        "origin",
        "main_product_related",
        "family_size",
    ),
    "certifications": ("kind", "valid_from", "valid_to"),
    "funding_rounds": ("closed_on", "stage", "amount"),
    "standards": ("level", "role", "year"),
    "awards": ("level", "rank", "year"),
    "rd_institutions": ("level", "recognised_on"),
    "compliance_flags": ("kind", "occurred_on"),
}
_KEYS: Final[dict[str, pl.DataType | type[pl.DataType]]] = {KEY: pl.Int64}
SOURCE_SCHEMAS: Final[dict[str, dict[str, pl.DataType | type[pl.DataType]]]] = {
    table: _KEYS
    | ({"enterprise_id": pl.Int64} if table == "enterprises" else {})
    | {name: SCHEMAS[table][name] for name in columns}
    for table, columns in SOURCE_COLUMNS.items()
}


@dataclass(frozen=True)
class SnapshotSources:
    """The registry columns snapshots are built from (`SOURCE_SCHEMAS`), one frame per table.

    Every frame has an Int64 `key` naming its enterprise — the database id when read from the
    database, the row number when built from `RegistryFrames` — so grouping and joining never
    touch credit-code strings; `enterprises` also carries `enterprise_id` (null from a file).
    `ip_assets` may be limited to the rows that can count (`COUNTED_IP_TYPES`,
    `COUNTED_IP_STATUS`, main-product related).
    """

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
        for table, expected in SOURCE_SCHEMAS.items():
            schema = dict(getattr(self, table).schema)
            if schema != expected:
                raise ValueError(f"{table} source has schema {schema}, expected {expected}")

    @classmethod
    def empty(cls) -> SnapshotSources:
        return cls(
            **{table: pl.DataFrame(schema=schema) for table, schema in SOURCE_SCHEMAS.items()}
        )

    @classmethod
    def concat(cls, parts: list[SnapshotSources]) -> SnapshotSources:
        """The sources of several partitions as one (their keys must not overlap)."""
        return cls(
            **{
                table: pl.concat([getattr(part, table) for part in parts])
                for table in SOURCE_COLUMNS
            }
        )


def sources_of(
    frames: RegistryFrames, enterprise_ids: pl.DataFrame | None = None
) -> SnapshotSources:
    """The snapshot sources of registry frames: each child row gets its enterprise's row
    number as `key` (child rows of a credit code missing from `enterprises` are dropped)."""
    enterprises = frames.enterprises.with_row_index(KEY).with_columns(pl.col(KEY).cast(pl.Int64))
    if enterprise_ids is None:
        enterprises = enterprises.with_columns(enterprise_id=pl.lit(None, dtype=pl.Int64))
    else:
        ids = enterprise_ids.select("uscc", pl.col("enterprise_id").cast(pl.Int64))
        enterprises = enterprises.join(ids, on="uscc", how="left", maintain_order="left")
    keys = enterprises.select("uscc", KEY)
    tables = {
        table: getattr(frames, table).join(keys, on="uscc").select(*SOURCE_SCHEMAS[table])
        for table in SOURCE_COLUMNS
        if table != "enterprises"
    }
    return SnapshotSources(enterprises=enterprises.select(*SOURCE_SCHEMAS["enterprises"]), **tables)
