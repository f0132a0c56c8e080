"""The match vocabulary: inputs that eligibility and sizing may read beyond the assessment
snapshot (`kejin.assessment.model.SNAPSHOT_INPUTS`).

`MatchSnapshot` is the assessment snapshot with these inputs added, and `MATCH_VOCABULARY` its
frame contract (column types and row reader) for the batch engine. Each name of `MATCH_FIELDS`
maps to the Python type of its value, as the snapshot's fields are typed: money in CNY as
`Decimal`, counts as `int`, token sets as `frozenset[str]`, and `str` for one token.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal

from kejin.assessment.inputs.frames import Vocabulary, vocabulary_of
from kejin.assessment.model import SNAPSHOT_INPUTS, EnterpriseSnapshot

MATCH_FIELDS: Mapping[str, type] = {
    # from the assessment
    "stage": str,  # life-cycle stage token: seed, start_up, growth, expansion, mature
    "innovation_points": int,  # 创新积分
    "points_band": str,  # rank band within the region and stage: top_5, top_10, top_20, rest
    "standards_met": frozenset,  # rule-set codes met: tech_sme, hnte, specialised_sme, star …
    "standards_passable": frozenset,  # met, or waiting for manual review
    # from the registry
    "cluster": str,  # industry cluster token (brain_science, ai, …)
    "region": str,  # district name
    "pledgeable_inventions": int,  # granted invention patents with ≥ 8 years left (RULES §6)
    "pledgeable_utility_models": int,  # utility models with ≥ 4 years left (RULES §6)
    "trademarks": int,  # registered trademarks in force
    # from lending
    "bank_loans": int,  # bank loans ever taken (0 = a first loan would be the first)
    "loans_outstanding": Decimal,  # balance of bank loans today
    "annual_interest": Decimal,  # interest paid over the last twelve months
    "defaults_3y": int,  # loans in default within three years
    # not shared yet: the firm is asked
    "talent_founder": bool,  # the founder holds a recognised talent title
}

MATCH_INPUTS: frozenset[str] = SNAPSHOT_INPUTS | MATCH_FIELDS.keys()


@dataclasses.dataclass(frozen=True, slots=True)
class MatchSnapshot(EnterpriseSnapshot):
    """The assessment snapshot plus the match inputs (`MATCH_FIELDS`), all optional."""

    stage: str | None = None
    innovation_points: int | None = None
    points_band: str | None = None
    standards_met: frozenset[str] | None = None
    standards_passable: frozenset[str] | None = None
    cluster: str | None = None
    region: str | None = None
    pledgeable_inventions: int | None = None
    pledgeable_utility_models: int | None = None
    trademarks: int | None = None
    bank_loans: int | None = None
    loans_outstanding: Decimal | None = None
    annual_interest: Decimal | None = None
    defaults_3y: int | None = None
    talent_founder: bool | None = None


MATCH_VOCABULARY: Vocabulary = vocabulary_of(MatchSnapshot)
