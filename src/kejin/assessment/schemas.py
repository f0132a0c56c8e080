"""Assessment read contracts (pydantic): one enterprise's assessment, runs and the region view.

Points are `Decimal` (strings in JSON). Sentences come in both languages; pages pick one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kejin.assessment.model import Status
from kejin.registry.model import IndustryCluster, Stage


class CriterionView(BaseModel):
    """One criterion's answer with the inputs it read; nested criteria in `children`."""

    id: str
    label_zh: str
    label_en: str
    status: Status
    points_low: Decimal | None = None
    points_high: Decimal | None = None
    sentence_zh: str
    sentence_en: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    chosen: str | None = None
    children: list[CriterionView] = Field(default_factory=list)


class ChangeView(BaseModel):
    """One change of a plan: the input, before and after, its cost and lead time."""

    input: str
    member: str | None = None
    before: Any = None
    after: Any = None
    cost: Decimal
    months: int
    effort: Decimal
    not_before: date | None = None
    criterion: str
    sentence_zh: str
    sentence_en: str


class PlanView(BaseModel):
    """One way to meet a standard, verified by the engine, ranked by effort."""

    changes: list[ChangeView]
    cost: Decimal
    months: int
    effort: Decimal
    outcome: Status
    not_before: date | None = None
    sentence_zh: str
    sentence_en: str


class NoteView(BaseModel):
    """Data to provide first, or a part of the rules no plan can change, and why."""

    input: str | None = None
    criterion: str | None = None
    sentence_zh: str
    sentence_en: str


class AdviceView(BaseModel):
    """What would it take to meet one standard."""

    effort_model: str
    missing: list[NoteView]
    plans: list[PlanView]
    excluded: list[NoteView]
    sentence_zh: str
    sentence_en: str


class StandardView(BaseModel):
    """A public standard's verdict, the rule-set version used, and what would meet it."""

    code: str
    name_zh: str
    name_en: str
    issuer: str
    doc_no: str
    version: str
    source_url: str
    status: Status
    points_low: Decimal | None = None
    points_high: Decimal | None = None
    verdict: CriterionView
    advice: AdviceView | None = Field(None, description="for a standard not met (or unknown)")


class IndicatorUnit(StrEnum):
    """How an indicator's value reads: CNY, a ratio (0.05 = 5 %), or a count."""

    MONEY = "money"
    RATIO = "ratio"
    COUNT = "count"


class IndicatorView(BaseModel):
    """One innovation-points indicator: the firm's value, its cohort percentile, its weight and
    the points it gives (weight · percentile / 100)."""

    name: str
    label_zh: str
    label_en: str
    group_zh: str
    group_en: str
    unit: IndicatorUnit
    value: Decimal | None
    percentile: Decimal | None
    weight: Decimal
    contribution: Decimal


class PointsView(BaseModel):
    """Innovation points (0–1000) against the enterprise's cohort (region × cluster × stage)."""

    score: int
    points_stage: str
    points_stage_zh: str
    points_stage_en: str
    cohort_size: int = Field(description="firms of the cohort the percentiles are taken in")
    cohort_pooled: bool = Field(
        description="the cluster's cohort was too small: the region × stage pool was used"
    )
    rank: int | None = Field(None, description="1 + firms of the stage with more points")
    ranked: int | None = Field(None, description="firms of the ranking group (region × stage)")
    rank_pct: Decimal | None = Field(None, description="100 · rank / firms of the stage")
    band: str | None = Field(None, description="the ranking band, e.g. top_5, top_10, top_20")
    band_zh: str | None = None
    band_en: str | None = None
    indicators: list[IndicatorView]
    top_indicators: list[str]
    cohort_scores: list[list[int]] = Field(
        default_factory=list, description="(points, firms) of the stage in the stored run"
    )


class EnterpriseAssessment(BaseModel):
    model_config = ConfigDict(frozen=True)

    enterprise_id: int
    uscc: str
    name: str
    cluster: IndustryCluster
    evaluated_on: date
    stage: Stage | None
    points: PointsView | None = Field(
        None, description="absent until a region run has stored the cohort statistics"
    )
    run_id: int | None = None
    run_evaluated_on: date | None = Field(None, description="the date of the run scored against")
    standards: list[StandardView]


class RunRead(BaseModel):
    id: int
    started_at: datetime
    finished_at: datetime | None
    evaluated_on: date
    engine: str
    enterprises: int
    rule_versions: dict[str, Any]
    config_versions: dict[str, Any]
    started_by: str

    @field_validator("started_at", "finished_at")
    @classmethod
    def _in_utc(cls, moment: datetime | None) -> datetime | None:
        """Times in UTC whichever way they were read (SQLite hands back naive values)."""
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=UTC)


class SummaryCell(BaseModel):
    """Enterprises of one standard × stage × cluster, by status."""

    standard: str
    stage: Stage | None
    cluster: IndustryCluster
    counts: dict[Status, int]
    total: int


class StandardRef(BaseModel):
    """A standard as a run used it: its names and the rule-set version."""

    code: str
    name_zh: str
    name_en: str
    version: str
    doc_no: str
    source_url: str


class RegionAssessment(BaseModel):
    run: RunRead | None
    standards: list[StandardRef] = Field(default_factory=list, description="the run's standards")
    cells: list[SummaryCell]


# The drill-down's stage filter for enterprises without a stage (no revenue, no rule).
NO_STAGE = "none"


class DrillDown(BaseModel):
    """One cell of the region view: a standard, and optionally a status, stage (or `none`:
    enterprises without one) and cluster."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    standard: str = Field(..., max_length=32, pattern=r"^[a-z_0-9]+$")
    status: Status | None = None
    stage: Stage | Literal["none"] | None = None
    cluster: IndustryCluster | None = None

    @field_validator("status", "stage", "cluster", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        """An empty filter field (a form's "all") means no filter."""
        return None if isinstance(value, str) and not value.strip() else value


class DrillDownItem(BaseModel):
    uscc: str
    name: str
    cluster: IndustryCluster
    stage: Stage | None
    status: Status
    points_low: Decimal | None
    points_high: Decimal | None
    innovation_points: int | None
    band: str | None
    band_zh: str | None = None
    band_en: str | None = None


class DrillDownPage(BaseModel):
    run_id: int
    evaluated_on: date
    standards: list[StandardRef] = Field(description="the run's standards (filter options)")
    items: list[DrillDownItem]
    total: int = Field(description="enterprises in the cell")
    shared: int = Field(description="of which share their assessment with the reader (listed)")
    page: int
    size: int
    pages: int
