"""One firm's match from the database: its match snapshot (the assessment's standing, loan and
IP facts) and the live catalogue compiled for a date, inside the caller's unit of work.

The catalogue is compiled once per catalogue revision and date, so an edit to a product takes
effect at the next read.
"""

from __future__ import annotations

import datetime as dt
import threading

from kejin.assessment import reads as assessment
from kejin.core.uow import UnitOfWork
from kejin.lending import service as lending
from kejin.matching.catalogue import MatchCatalogue, catalogue_on
from kejin.matching.explain import match_one
from kejin.matching.facts import ip_facts, loan_facts
from kejin.matching.inputs import AssessmentFacts, match_snapshot
from kejin.matching.model import EnterpriseMatch
from kejin.products.imports import LiveCatalogue, catalogue_in
from kejin.products.vocabulary import MatchSnapshot
from kejin.registry import service as registry

_COMPILED: dict[tuple[str, object, dt.date], MatchCatalogue] = {}
_COMPILED_KEPT = 8
_LOCK = threading.Lock()


def match_basis(work: UnitOfWork, enterprise_id: int, on: dt.date) -> MatchSnapshot:
    """What products and policies read of one firm on `on`."""
    standing = assessment.standing(work, enterprise_id, on)
    return match_snapshot(
        standing.snapshot,
        AssessmentFacts(
            standing.statuses,
            standing.stage,
            standing.innovation_points,
            standing.points_band,
        ),
        loan_facts(lending.loan_records(work, enterprise_id), on),
        ip_facts(registry.ip_records(work, enterprise_id), on),
        cluster=standing.cluster,
        region=standing.region,
    )


def live_catalogue(work: UnitOfWork, on: dt.date) -> tuple[LiveCatalogue, MatchCatalogue]:
    """The catalogue as stored now, and compiled for `on` (cached per revision and date)."""
    live = catalogue_in(work)
    key = (str(work.session.get_bind().engine.url), live.stamp, on)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = catalogue_on(live.catalogue, on)
        with _LOCK:
            while len(_COMPILED) >= _COMPILED_KEPT:
                _COMPILED.pop(next(iter(_COMPILED)))
            _COMPILED[key] = compiled
    return live, compiled


def catalogue_revision(work: UnitOfWork) -> int:
    """The catalogue's revision now."""
    return catalogue_in(work).revision


def enterprise_match(
    work: UnitOfWork, enterprise_id: int, on: dt.date, *, explain: bool = True
) -> EnterpriseMatch:
    """One firm's financing map on `on` against the live catalogue."""
    _, compiled = live_catalogue(work, on)
    return match_one(compiled, match_basis(work, enterprise_id, on), on, explain=explain)
