"""Use cases of the credit model in lending: score one enterprise with the stored scorecard and
give its grade, suggested limit and price, adverse reasons and advice.

The model in use is the newest model directory (by its artefact's modification time, then name)
under `<data dir>/credit/models/`: `kejin credit train … --out <data dir>/credit/models/<name>`
puts a model in service. An enterprise's values are the signals of a loan starting on the
scoring day, derived as the region models' training table derives them (`region`, `features`);
the suggested limit reads the revenue of its registry snapshot. Each value belongs to one
consent scope, and a scope the bank may not read leaves its values withheld (they score in the
missing bin). Scoring needs the `financials` scope for purpose `credit_assessment`; a refusal
is recorded by the consent gate, and the reader then sees the firm's public data only. With
the `assessment` scope the report carries the firm's standing beside its financials: stage,
innovation points and rank, and its verdict under every standard in force.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from kejin.assessment import reads as assessment
from kejin.assessment.model import Status
from kejin.assessment.service import shipped_catalogue
from kejin.consent import service as consent
from kejin.consent.model import DataScope
from kejin.core.uow import UnitOfWork
from kejin.credit.errors import NoModelInService
from kejin.credit.export import content_version
from kejin.credit.features import STAGE
from kejin.credit.grading import (
    GradeTable,
    Grading,
    Value,
    grade,
    shipped_grade_table,
    suggested_limit,
    suggested_rate,
)
from kejin.credit.region import enterprise_signals
from kejin.credit.service import ARTEFACT, CARD, load_model, models_folder
from kejin.identity.model import Principal
from kejin.registry import service as registry
from kejin.registry.schemas import EnterpriseDetail

SCORING_SCOPE = DataScope.FINANCIALS


def current_model(data_dir: Path) -> Path:
    """The model directory in service: the newest under the data dir's models folder."""
    folder = models_folder(data_dir)
    candidates = [p.parent for p in folder.glob(f"*/{ARTEFACT}")] if folder.is_dir() else []
    if not candidates:
        raise NoModelInService("no credit model in service under {path}", path=str(folder))
    return max(candidates, key=lambda d: ((d / ARTEFACT).stat().st_mtime_ns, d.name))


def current_card(data_dir: Path) -> dict[str, Any]:
    """The model card of the model in service."""
    card: dict[str, Any] = json.loads((current_model(data_dir) / CARD).read_text("utf-8"))
    return card


@dataclasses.dataclass(frozen=True, slots=True)
class Verdict:
    """The enterprise's status under one standard in force (科技型中小企业, 高新技术企业…)."""

    code: str
    name_zh: str
    name_en: str
    status: Status


@dataclasses.dataclass(frozen=True, slots=True)
class AssessmentBeside:
    """What the technology assessment says of the enterprise on the scoring day: its stage,
    innovation points and rank in its park and stage (against the newest run's cohorts), and
    its verdict per standard."""

    stage: str | None
    innovation_points: int | None
    points_rank: int | None
    points_rank_pct: float | None
    points_band: str | None
    verdicts: tuple[Verdict, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class CreditReport:
    """One enterprise's credit result under one model, as of `on`."""

    uscc: str
    name: str
    on: dt.date
    model_version: str
    grade_table: str
    grading: Grading
    limit: Decimal
    rate: Decimal
    withheld: tuple[str, ...]  # scorecard features the bank may not read
    financials: dict[str, Value]  # the `financials` signals, whether the model uses them or not
    assessment: AssessmentBeside | None  # None: the bank may not read the assessment


# The consent scope that opens each feature of `features.FEATURE_SETS["tech"]` (None: public).
SCOPES: dict[str, DataScope | None] = {
    "debt_ratio": DataScope.FINANCIALS,
    "net_margin": DataScope.FINANCIALS,
    "revenue_growth": DataScope.FINANCIALS,
    "log_revenue_wan": DataScope.FINANCIALS,
    "rd_intensity": DataScope.FINANCIALS,
    "tech_staff_ratio": DataScope.SOCIAL_SECURITY,
    "log1p_invention_patents": DataScope.IP,
    "has_equity_funding": DataScope.PROFILE,
    STAGE: DataScope.ASSESSMENT,
    "innovation_points": DataScope.ASSESSMENT,
    "log1p_age_years": None,
    "high_tech_certificate": None,
    "compliance_flag": None,
}
_SCORED_SCOPES = frozenset(scope for scope in SCOPES.values() if scope is not None)


def enterprise_values(signals: Mapping[str, Any]) -> dict[DataScope | None, dict[str, Value]]:
    """An enterprise's signals (`region.enterprise_signals`) by the consent scope that opens
    them (None: public)."""
    by_scope: dict[DataScope | None, dict[str, Value]] = {}
    for name, scope in SCOPES.items():
        value = signals.get(name)
        by_scope.setdefault(scope, {})[name] = (
            value if value is None or isinstance(value, str) else float(value)
        )
    return by_scope


def readable_values(
    by_scope: Mapping[DataScope | None, Mapping[str, Value]], scopes: frozenset[DataScope]
) -> tuple[dict[str, Value], set[str]]:
    """The values of the public part and of `scopes`, and the names of the rest (withheld)."""
    values: dict[str, Value] = {}
    withheld: set[str] = set()
    for scope, part in by_scope.items():
        if scope is None or scope in scopes:
            values.update(part)
        else:
            withheld.update(part)
    return values, withheld


def credit_report(
    uow: Callable[[], UnitOfWork],
    principal: Principal,
    code: str,
    purpose: str,
    data_dir: Path,
    *,
    on: dt.date | None = None,
    table: GradeTable | None = None,
) -> CreditReport:
    """Score the enterprise `code` with the model in service. Needs the `financials` scope for
    `purpose` (the refusal is recorded and raises `AccessRefused`); other scopes add their
    values when the bank may read them."""
    scorecard = load_model(current_model(data_dir))
    table = table or shipped_grade_table()
    day = on or registry.today()
    catalogue = shipped_catalogue()
    with uow() as work:
        key = registry.enterprise_key(work, code)
        consent.require_access(work.session, principal, key.id, SCORING_SCOPE, purpose)
        opened = consent.readable_scopes(work.session, principal, key.id, _SCORED_SCOPES)
        scopes = opened | {SCORING_SCOPE}
        standing = assessment.standing(work, key.id, day, catalogue)
        signals = enterprise_signals(work.session.connection(), key.id, day)
        work.commit()
    by_scope = enterprise_values(signals)
    values, hidden = readable_values(by_scope, frozenset(scopes))
    graded = grade(scorecard, values, table)
    band = table.band_of(graded.pd)
    return CreditReport(
        uscc=key.uscc,
        name=key.name,
        on=day,
        model_version=content_version(scorecard),
        grade_table=table.version,
        grading=graded,
        limit=suggested_limit(band, standing.snapshot.revenue, table),
        rate=suggested_rate(band, day, table),
        withheld=tuple(n for n in scorecard.feature_names if n in hidden),
        financials=by_scope[SCORING_SCOPE],
        assessment=_beside(standing, catalogue.versions(day))
        if DataScope.ASSESSMENT in scopes
        else None,
    )


def _beside(standing: assessment.Standing, versions: dict[str, Any]) -> AssessmentBeside:
    """The standing as the report shows it, the standards named as the assessment names them."""
    verdicts = tuple(
        Verdict(ref.code, ref.name_zh, ref.name_en, standing.statuses[ref.code])
        for ref in assessment.standard_refs(versions)
        if ref.code in standing.statuses
    )
    return AssessmentBeside(
        stage=standing.stage,
        innovation_points=standing.innovation_points,
        points_rank=standing.points_rank,
        points_rank_pct=standing.points_rank_pct,
        points_band=standing.points_band,
        verdicts=verdicts,
    )


def public_profile(uow: Callable[[], UnitOfWork], code: str) -> EnterpriseDetail:
    """What a reader without the firm's consent may see of it: its public registry sections
    (the consented ones left empty and named as withheld)."""
    return registry.enterprise_detail(uow, code)
