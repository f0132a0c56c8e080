"""Snapshot strategies and seeded frames for the stage and innovation-points tests.

Values cluster around the edges the rules and grids care about (band bounds, zero, one CNY), and
every input is sometimes missing, so the frame and one-snapshot paths meet the awkward cases.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import strategies as st

from kejin.assessment.inputs.frames import snapshot_frame
from kejin.assessment.model import AWARDS, CERTIFICATIONS, RD_INSTITUTION_LEVELS, EnterpriseSnapshot
from kejin.registry.model import FundingStage

EDGES = [Decimal(v) for v in ("0.00", "0.99", "1.00", "999999.99", "1000000.00", "5000000.00")]
EDGES += [Decimal(v) for v in ("19999999.99", "20000000.00", "100000000.00", "-1.00")]
REGIONS = ["longwan", "ouhai", None]
CLUSTERS = ["ai", "biomedicine", None]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def amounts(low: int = 0) -> st.SearchStrategy[Decimal]:
    spread = st.decimals(min_value=low, max_value=10**10, places=2)
    return st.sampled_from([edge for edge in EDGES if edge >= low]) | spread


def tokens(vocabulary: frozenset[str]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(sorted(vocabulary | {"unlisted"})))


counts = st.integers(min_value=0, max_value=40)
histories = st.lists(amounts(), max_size=3).map(tuple)

snapshots = st.builds(
    EnterpriseSnapshot,
    staff=maybe(counts),
    tech_staff=maybe(counts),
    rd_staff=maybe(counts),
    revenue=maybe(amounts()),
    rd_expense=maybe(amounts()),
    high_tech_revenue=maybe(amounts()),
    class_i_ip_main=maybe(counts),
    class_ii_ip_main=maybe(counts),
    invention_patents_main=maybe(counts),
    age_days=maybe(st.sampled_from([0, 729, 730, 731]) | st.integers(0, 9000)),
    certifications=maybe(tokens(CERTIFICATIONS)),
    standards_led=maybe(counts),
    awards=maybe(tokens(AWARDS)),
    rd_institutions=maybe(tokens(RD_INSTITUTION_LEVELS)),
    conversions_per_year=maybe(st.decimals(min_value=0, max_value=50, places=4)),
    sales_history=maybe(histories),
    rd_expense_history=maybe(histories),
    net_profit=maybe(amounts(low=-(10**9))),
    equity_raised_3y=maybe(amounts()),
    equity_raised_total=maybe(
        st.sampled_from([Decimal("99999999.99"), Decimal(10**8)]) | amounts()
    ),
    latest_funding_stage=maybe(st.sampled_from([stage.value for stage in FundingStage])),
)

keys = st.fixed_dictionaries(
    {"region": st.sampled_from(REGIONS), "cluster": st.sampled_from(CLUSTERS)}
)


@st.composite
def frames(draw: st.DrawFn, max_size: int = 40) -> pl.DataFrame:
    """A snapshot frame of drawn snapshots and keys."""
    rows = draw(st.lists(st.tuples(snapshots, keys), min_size=1, max_size=max_size))
    return snapshot_frame(
        [snapshot for snapshot, _ in rows],
        [key | {"uscc": f"row-{number}"} for number, (_, key) in enumerate(rows)],
    )


def seeded_frame(size: int, seed: int) -> pl.DataFrame:
    """A larger frame from a seeded generator: cohorts big enough not to be pooled."""
    draw = random.Random(seed)

    def amount(top: int) -> Decimal | None:
        return None if draw.random() < 0.1 else Decimal(draw.randint(0, top * 100)) / 100

    snapshots = [
        EnterpriseSnapshot(
            staff=(staff := draw.randint(1, 300)),
            rd_staff=draw.randint(0, staff),
            tech_staff=draw.randint(0, staff),
            revenue=amount(draw.choice([10**6, 10**7, 10**9])),
            rd_expense=amount(10**7),
            invention_patents_main=draw.choice([None, 0, 0, 1, 2, 3, 8]),
            class_i_ip_main=draw.choice([None, 0, 1, 4]),
            latest_funding_stage=draw.choice([None, None, "angel", "series_b", "later"]),
            age_days=draw.randint(0, 6000),
            net_profit=amount(10**7) if draw.random() < 0.5 else -Decimal(draw.randint(0, 10**6)),
            sales_history=tuple(Decimal(draw.randint(0, 10**8)) for _ in range(draw.randint(0, 3))),
            certifications=frozenset(draw.sample(sorted(CERTIFICATIONS), draw.randint(0, 2))),
            standards_led=draw.choice([None, 0, 0, 1]),
        )
        for _ in range(size)
    ]
    keys = [
        {
            "uscc": f"seed-{number}",
            "region": draw.choice(REGIONS[:2]),
            "cluster": draw.choice(CLUSTERS),
        }
        for number in range(size)
    ]
    return snapshot_frame(snapshots, keys)
