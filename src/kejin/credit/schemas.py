"""The credit API's contracts: one enterprise's credit report (grade, limit, price, the bins
that drive the score, adverse reasons and advice, the financials and, with the assessment
scope, the technology assessment beside them) and the stored monitoring runs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from kejin.assessment.model import Status
from kejin.core.pagination import Page
from kejin.credit.grading import Change, Driver, Value
from kejin.credit.lending import AssessmentBeside, CreditReport
from kejin.credit.monitoring import MonitoringRun, Stability
from kejin.registry.model import Stage


class DriverRead(BaseModel):
    """One feature's bin and points, and how far it falls below the feature's best bin."""

    feature: str
    value: float | str | None
    bin: str
    points: float
    best_bin: str
    best_points: float
    shortfall: float


class ChangeRead(BaseModel):
    """Move `feature` to ≥ `threshold` (rising) or below it (not rising) for `gain` points."""

    feature: str
    value: float | str | None
    threshold: float
    rising: bool
    to_bin: str
    gain: float


class AdviceRead(BaseModel):
    target_grade: str
    target_score: float
    changes: list[ChangeRead]


class VerdictRead(BaseModel):
    code: str
    name_zh: str
    name_en: str
    status: Status


class AssessmentBesideRead(BaseModel):
    """The technology assessment on the scoring day (shown with the `assessment` scope)."""

    stage: Stage | None
    innovation_points: int | None
    points_rank: int | None = Field(description="in the enterprise's park and stage, 1 the best")
    points_rank_pct: float | None = Field(description="100 · rank / firms ranked")
    points_band: str | None
    verdicts: list[VerdictRead]


class CreditReportRead(BaseModel):
    uscc: str
    name: str
    on: date
    model_version: str
    grade_table: str
    score: float
    pd: float
    grade: str
    limit: Decimal
    rate: Decimal
    drivers: list[DriverRead]
    adverse: list[DriverRead]
    advice: AdviceRead | None
    withheld: list[str]
    financials: dict[str, float | str | None] = Field(
        description="the financial signals of the scoring day, by feature name"
    )
    assessment: AssessmentBesideRead | None = Field(
        description="null when the enterprise has not shared its assessment with the bank"
    )


def _value(value: Value) -> float | str | None:
    return value


def _driver(driver: Driver) -> DriverRead:
    return DriverRead(
        feature=driver.feature,
        value=_value(driver.value),
        bin=driver.bin.label,
        points=driver.bin.points,
        best_bin=driver.best.label,
        best_points=driver.best.points,
        shortfall=driver.shortfall,
    )


def _change(change: Change) -> ChangeRead:
    return ChangeRead(
        feature=change.feature,
        value=change.value,
        threshold=change.threshold,
        rising=change.rising,
        to_bin=change.to.label,
        gain=change.gain,
    )


def report_read(report: CreditReport) -> CreditReportRead:
    graded = report.grading
    advice = graded.advice
    return CreditReportRead(
        uscc=report.uscc,
        name=report.name,
        on=report.on,
        model_version=report.model_version,
        grade_table=report.grade_table,
        score=graded.score,
        pd=graded.pd,
        grade=graded.grade,
        limit=report.limit,
        rate=report.rate,
        drivers=[_driver(d) for d in graded.drivers],
        adverse=[_driver(d) for d in graded.adverse],
        advice=None
        if advice is None
        else AdviceRead(
            target_grade=advice.target_grade,
            target_score=advice.target_score,
            changes=[_change(c) for c in advice.changes],
        ),
        withheld=list(report.withheld),
        financials=report.financials,
        assessment=None if report.assessment is None else _beside(report.assessment),
    )


def _beside(beside: AssessmentBeside) -> AssessmentBesideRead:
    return AssessmentBesideRead(
        stage=None if beside.stage is None else Stage(beside.stage),
        innovation_points=beside.innovation_points,
        points_rank=beside.points_rank,
        points_rank_pct=beside.points_rank_pct,
        points_band=beside.points_band,
        verdicts=[
            VerdictRead(code=v.code, name_zh=v.name_zh, name_en=v.name_en, status=v.status)
            for v in beside.verdicts
        ],
    )


class MonitoringRunSummary(BaseModel):
    """A stored monitoring run: the model, the registry's as-of day, rows and score PSI."""

    id: int
    model_version: str
    as_of: date
    rows: int
    score_psi: float
    band: Stability
    started_by: str
    created_at: datetime


class FeatureStabilityRead(BaseModel):
    """One feature's bins (special and missing last): training and current shares, PSI."""

    name: str
    psi: float
    band: Stability
    bins: list[str]
    expected: list[float]
    actual: list[float]


class ScoreBandRead(BaseModel):
    lower: float
    expected: int
    actual: int


class MonitoringRunRead(MonitoringRunSummary):
    features: list[FeatureStabilityRead]
    distribution: list[ScoreBandRead]


class MonitoringRunPage(BaseModel):
    items: list[MonitoringRunSummary]
    total: int
    page: int
    size: int
    pages: int


def run_summary(run: MonitoringRun) -> MonitoringRunSummary:
    result = run.result
    return MonitoringRunSummary(
        id=run.id,
        model_version=run.model_version,
        as_of=run.as_of,
        rows=result.rows,
        score_psi=result.score_psi,
        band=result.band,
        started_by=run.started_by,
        created_at=run.created_at,
    )


def run_read(run: MonitoringRun) -> MonitoringRunRead:
    return MonitoringRunRead(
        **run_summary(run).model_dump(),
        features=[
            FeatureStabilityRead(
                name=f.name,
                psi=f.psi,
                band=f.band,
                bins=list(f.labels),
                expected=list(f.expected),
                actual=list(f.actual),
            )
            for f in run.result.features
        ],
        distribution=[
            ScoreBandRead(lower=b.lower, expected=b.expected, actual=b.actual)
            for b in run.result.bands
        ],
    )


def run_page(page: Page[MonitoringRun]) -> MonitoringRunPage:
    return MonitoringRunPage(
        items=[run_summary(run) for run in page.items],
        total=page.total,
        page=page.page,
        size=page.size,
        pages=page.pages,
    )
