"""The match-snapshot frame of every firm holds, row for row, the snapshot `match_snapshot`
builds for that firm, whatever the assessment statuses (text or codes) and facts given."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejin.assessment.batch.blocks import CODES
from kejin.assessment.inputs.frames import KEY_SCHEMA, snapshot_frame
from kejin.assessment.model import EnterpriseSnapshot, Status
from kejin.matching.inputs import AssessmentFacts, IpFacts, LoanFacts, match_inputs, match_snapshot
from kejin.products.vocabulary import MATCH_VOCABULARY

CODES_ASSESSED = ("hnte", "star", "tech_sme")
STATUSES = st.sampled_from([s for s in Status if s is not Status.NOT_APPLICABLE])
FIRMS = st.lists(
    st.fixed_dictionaries(
        {
            "revenue": st.one_of(st.none(), st.integers(0, 10**9).map(Decimal)),
            "statuses": st.tuples(*(STATUSES for _ in CODES_ASSESSED)),
            "stage": st.one_of(st.none(), st.sampled_from(["seed", "growth"])),
            "points": st.one_of(st.none(), st.integers(0, 1000)),
            "loans": st.one_of(st.none(), st.integers(0, 5)),
            "inventions": st.one_of(st.none(), st.integers(0, 9)),
            "with_facts": st.booleans(),
        }
    ),
    min_size=1,
    max_size=5,
)


@pytest.mark.parametrize("coded", [False, True], ids=["text statuses", "status codes"])
@given(firms=FIRMS)
def test_the_frame_of_every_firm_matches_the_snapshot_of_each(
    coded: bool, firms: list[dict]
) -> None:
    keys = [{"uscc": f"firm-{n}"} for n in range(len(firms))]
    snapshots = [EnterpriseSnapshot(revenue=firm["revenue"]) for firm in firms]
    status_rows = [dict(zip(CODES_ASSESSED, firm["statuses"], strict=True)) for firm in firms]
    results = pl.DataFrame(
        {
            **{
                f"{code}.status": [CODES[r[code]] if coded else r[code].value for r in status_rows]
                for code in CODES_ASSESSED
            },
            "stage": [firm["stage"] for firm in firms],
            "innovation_points": [firm["points"] for firm in firms],
            "points_band": [None] * len(firms),
        },
        schema_overrides={"points_band": pl.String, "stage": pl.String},
    )
    facts = pl.DataFrame(
        {
            "uscc": [k["uscc"] for k, firm in zip(keys, firms, strict=True) if firm["with_facts"]],
            "bank_loans": [firm["loans"] for firm in firms if firm["with_facts"]],
            "pledgeable_inventions": [firm["inventions"] for firm in firms if firm["with_facts"]],
        },
        schema={"uscc": pl.String, "bank_loans": pl.Int64, "pledgeable_inventions": pl.Int64},
    )
    frame = match_inputs(snapshot_frame(snapshots, keys), results, facts)
    assert dict(frame.schema) == KEY_SCHEMA | dict(MATCH_VOCABULARY.schema)
    for number, (snapshot, firm, statuses) in enumerate(
        zip(snapshots, firms, status_rows, strict=True)
    ):
        loans = LoanFacts(bank_loans=firm["loans"]) if firm["with_facts"] else None
        ip = IpFacts(pledgeable_inventions=firm["inventions"]) if firm["with_facts"] else None
        facts_of = AssessmentFacts(statuses, firm["stage"], firm["points"])
        expected = match_snapshot(snapshot, facts_of, loans, ip)
        assert MATCH_VOCABULARY.from_row(frame.row(number, named=True)) == expected


def test_results_of_other_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="rows"):
        match_inputs(snapshot_frame([EnterpriseSnapshot()]), pl.DataFrame({"stage": []}))
