"""The match snapshot of one firm: its assessment snapshot, what the assessment found (standards
met, stage, innovation points and band) and the lending and IP facts from the registry.

`match_snapshot` builds one firm's; `match_inputs` the frame of every firm, row for row the
same. Everything missing stays `None`, so a product that reads it answers `unknown` and the firm is
asked for it. `talent_founder` is not shared data yet, so it is always unknown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal

import polars as pl

from kejin.assessment.batch.blocks import CODES
from kejin.assessment.inputs.frames import KEY_SCHEMA
from kejin.assessment.model import EnterpriseSnapshot, Status
from kejin.products.vocabulary import MATCH_VOCABULARY, MatchSnapshot

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


# --- every firm ---------------------------------------------------------------------------

FACT_COLUMNS = (
    *(f.name for f in dataclasses.fields(LoanFacts)),
    *(f.name for f in dataclasses.fields(IpFacts)),
)
_STATUS = ".status"


def match_inputs(
    snapshots: pl.DataFrame, results: pl.DataFrame, facts: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The match-snapshot frame (`MATCH_VOCABULARY` columns and the keys) of every firm, as
    `match_snapshot` builds one: `snapshots` is a snapshot frame; `results` the assessment's
    answer for the same rows in the same order (`<code>.status` per rule set, text or codes,
    and `stage`, `innovation_points`, `points_band`); `facts`, keyed by `uscc`, any of the
    loan and IP columns (`FACT_COLUMNS`). Inputs not given are null."""
    if results.height != snapshots.height:
        raise ValueError("the assessment results are not the snapshots' rows")
    codes = [name.removesuffix(_STATUS) for name in results.columns if name.endswith(_STATUS)]
    assessed = results.select(
        *(c for c in ("stage", "innovation_points", "points_band") if c in results.columns),
        _standards(results, codes, (Status.MET,)).alias("standards_met"),
        _standards(results, codes, tuple(_PASSABLE)).alias("standards_passable"),
    )
    frame = pl.concat([snapshots, assessed], how="horizontal")
    if facts is not None:
        kept = ["uscc", *(name for name in FACT_COLUMNS if name in facts.columns)]
        frame = frame.join(facts.select(kept), on="uscc", how="left", maintain_order="left")
    schema = KEY_SCHEMA | dict(MATCH_VOCABULARY.schema)
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in schema.items()
    )


def _standards(results: pl.DataFrame, codes: list[str], statuses: tuple[Status, ...]) -> pl.Expr:
    """The codes whose status is one of `statuses`, per row (sorted, as `snapshot_frame`)."""
    held = []
    for code in sorted(codes):
        column = pl.col(f"{code}{_STATUS}")
        text = results.schema[f"{code}{_STATUS}"] == pl.String()
        wanted = [s.value for s in statuses] if text else [CODES[s] for s in statuses]
        held.append(pl.when(column.is_in(wanted)).then(pl.lit(code)))
    if not held:
        return pl.lit([], pl.List(pl.String()))
    return pl.concat_list(held).list.drop_nulls()
