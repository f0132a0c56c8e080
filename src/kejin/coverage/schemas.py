"""The coverage view's API contracts: the stage × layer cells of the newest match run, one
cell's gap firms with the conditions that block them, and a policy's reach and lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kejin.coverage.model import Weakness
from kejin.matching.model import PolicyList
from kejin.matching.schemas import MatchRunRead
from kejin.products.model import Layer
from kejin.registry.model import IndustryCluster, Stage


class Thresholds(BaseModel):
    """The figures under which a cell is flagged (a proposal, `coverage-2025.json`)."""

    version: str
    min_share_eligible: Decimal
    min_share_possible: Decimal
    min_ratio: Decimal


class CoverageCellRead(BaseModel):
    stage: Stage | None = Field(description="life-cycle stage; null: firms without a stage")
    layer: Layer | None = Field(description="financing layer; null: any layer")
    firms: int
    eligible: int = Field(description="firms meeting at least one product of the layer")
    possible: int = Field(description="firms meeting one, or passing one on the provider's review")
    share_eligible: Decimal | None
    share_possible: Decimal | None
    amount_available: Decimal = Field(description="Σ each eligible firm's best amount, CNY")
    needs: int = Field(description="needs posted in the window by firms of the stage")
    needs_amount: Decimal
    ratio: Decimal | None = Field(description="amount available / amount needed")
    weaknesses: list[Weakness]
    early: bool = Field(description="seed or start-up: the early-stage gap")


class CoverageRead(BaseModel):
    """The newest match run's coverage (no run yet: `run` null, no cells)."""

    run: MatchRunRead | None
    catalogue_revision_now: int | None = None
    cluster: IndustryCluster | None = None
    needs_since: dt.date | None = None
    thresholds: Thresholds
    cells: list[CoverageCellRead] = []


NO_STAGE = "none"
ANY_LAYER = "any"


class CellQuery(BaseModel):
    """One cell of the coverage table: a stage (`none`: firms without one), a layer (`any`:
    any layer) and optionally a cluster."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    stage: Stage | Literal["none"]
    layer: Layer | Literal["any"]
    cluster: IndustryCluster | None = None

    @field_validator("cluster", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        """An empty filter field (a form's "all") means no filter."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def stage_or_none(self) -> Stage | None:
        return None if self.stage == NO_STAGE else Stage(self.stage)

    @property
    def layer_or_none(self) -> Layer | None:
        return None if self.layer == ANY_LAYER else Layer(self.layer)


class BlockerRead(BaseModel):
    label_zh: str
    label_en: str
    products: int = Field(description="products of the layer that set the condition")
    firms_failing: int = Field(description="gap firms failing it in at least one product")
    firms_sole_blocker: int = Field(
        description="gap firms for which it is the only failing condition of some product"
    )
    share_sole_blocker: Decimal | None


class GapFirm(BaseModel):
    uscc: str
    name: str
    cluster: IndustryCluster
    stage: Stage | None


class CellDrillDown(BaseModel):
    """One cell's gap firms (no eligible product in the layer): how many, the conditions that
    block them, and those that share their assessment with the reader."""

    run: MatchRunRead
    stage: Stage | None
    layer: Layer | None
    cluster: IndustryCluster | None
    gap_firms: int
    blockers: list[BlockerRead]
    listed: list[GapFirm]


class ReachCell(BaseModel):
    stage: Stage | None
    cluster: IndustryCluster
    automatic: int = Field(description="firms entitled without applying (免申即享)")
    apply: int = Field(description="firms that must apply")
    not_eligible: int
    benefit_automatic: Decimal
    benefit_apply: Decimal


class PolicyReachRead(BaseModel):
    run: MatchRunRead | None
    policy: str
    name_zh: str = ""
    name_en: str = ""
    cells: list[ReachCell] = []


class ListedFirm(BaseModel):
    uscc: str
    name: str
    cluster: IndustryCluster
    stage: Stage | None
    status: str
    benefit_high: Decimal | None


class PolicyFirms(BaseModel):
    """The firms a policy lists in one list; only those sharing their assessment are named."""

    run: MatchRunRead
    policy: str
    listed: PolicyList
    total: int
    firms: list[ListedFirm]
