"""The match snapshot of one firm: its assessment snapshot, what the assessment found (standards
met, stage, innovation points and band) and the lending and IP facts from the registry.

Everything missing stays `None`, so a product that reads it answers `unknown` and the firm is
asked for it. `talent_founder` is not shared data yet, so it is always unknown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal

from kejin.assessment.model import EnterpriseSnapshot, Status
from kejin.products.vocabulary import MatchSnapshot

_PASSABLE = frozenset({Status.MET, Status.MANUAL_REVIEW})


@dataclasses.dataclass(frozen=True, slots=True)
class AssessmentFacts:
    """What the assessment found: each rule set's status by code, the life-cycle stage, the
    innovation points and the rank band within the region and stage."""

    statuses: Mapping[str, Status]
    stage: str | None = None
    innovation_points: int | None = None
    points_band: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class LoanFacts:
    """The firm's bank loans, from lending records."""

    bank_loans: int | None = None
    loans_outstanding: Decimal | None = None
    annual_interest: Decimal | None = None
    defaults_3y: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class IpFacts:
    """Pledgeable IP (RULES.md §6: inventions with ≥ 8 years left, utility models ≥ 4)."""

    pledgeable_inventions: int | None = None
    pledgeable_utility_models: int | None = None
    trademarks: int | None = None


def match_snapshot(
    snapshot: EnterpriseSnapshot,
    assessment: AssessmentFacts,
    loans: LoanFacts | None = None,
    ip: IpFacts | None = None,
    *,
    cluster: str | None = None,
    region: str | None = None,
) -> MatchSnapshot:
    """The match snapshot built from the assessment snapshot and the facts beside it."""
    base = {f.name: getattr(snapshot, f.name) for f in dataclasses.fields(EnterpriseSnapshot)}
    statuses = assessment.statuses
    return MatchSnapshot(
        **base,
        stage=assessment.stage,
        innovation_points=assessment.innovation_points,
        points_band=assessment.points_band,
        standards_met=frozenset(c for c, s in statuses.items() if s is Status.MET),
        standards_passable=frozenset(c for c, s in statuses.items() if s in _PASSABLE),
        cluster=cluster,
        region=region,
        **dataclasses.asdict(loans or LoanFacts()),
        **dataclasses.asdict(ip or IpFacts()),
    )
