"""Use cases of the credit model in lending: score one enterprise with the stored scorecard and
give its grade, suggested limit and price, adverse reasons and advice.

The model in use is the newest model directory (by its artefact's modification time, then name)
under `<data dir>/credit/models/`: `kejin credit train … --out <data dir>/credit/models/<name>`
puts a model in service. An enterprise's values are the signals of a loan starting on the
scoring day, derived as the region models' training table derives them (`region`, `features`);
the suggested limit reads the revenue of its registry snapshot. Each value belongs to one
consent scope, and a scope the bank may not read leaves its values withheld (they score in the
missing bin). Scoring needs the `financials` scope for purpose `credit_assessment`; a refusal
is recorded by the consent gate.
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
from kejin.credit.model import Scorecard
from kejin.credit.region import enterprise_signals
from kejin.credit.service import ARTEFACT, CARD, load_model
from kejin.identity.model import Principal
from kejin.registry import service as registry

MODELS = Path("credit") / "models"
SCORING_SCOPE = DataScope.FINANCIALS


def models_folder(data_dir: Path) -> Path:
    return data_dir / MODELS


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
    with uow() as work:
        key = registry.enterprise_key(work, code)
        consent.require_access(work.session, principal, key.id, SCORING_SCOPE, purpose)
        opened = consent.readable_scopes(work.session, principal, key.id, _SCORED_SCOPES)
        scopes = opened | {SCORING_SCOPE}
        standing = assessment.standing(work, key.id, day)
        signals = enterprise_signals(work.session.connection(), key.id, day)
        work.commit()
    values, hidden = readable_values(enterprise_values(signals), frozenset(scopes))
    return _report(scorecard, table, key, day, values, hidden, standing.snapshot.revenue)


def _report(  # noqa: PLR0917 — assembles the report from the use case's parts
    scorecard: Scorecard,
    table: GradeTable,
    key: registry.EnterpriseKey,
    day: dt.date,
    values: dict[str, Value],
    hidden: set[str],
    revenue: Decimal | None,
) -> CreditReport:
    graded = grade(scorecard, values, table)
    band = table.band_of(graded.pd)
    return CreditReport(
        uscc=key.uscc,
        name=key.name,
        on=day,
        model_version=content_version(scorecard),
        grade_table=table.version,
        grading=graded,
        limit=suggested_limit(band, revenue, table),
        rate=suggested_rate(band, day, table),
        withheld=tuple(n for n in scorecard.feature_names if n in hidden),
    )
