"""Time many small rule sets (financing products' eligibility) for one firm and for a frame.

    PYTHONPATH=src python -m benchmarks.assess_products --products 200 --rows 100000

Builds `--products` synthetic rule sets of `--criteria` input criteria each under an all-of,
drawn (seeded) from a pool of a few dozen alike leaves, as products share conditions. For one
firm it times `assess` with and without sentences and `assess_many` (best of `--repeat`, over
`--firms` firms); for a frame of `--rows` rows it times `assess_frame` with text statuses and
with `codes=True`, and prints the output width and size per 1,000 rows. No figure is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

from benchmarks.assess_batch import snapshot_frame
from kejin.assessment.batch.verdicts import assess_frame
from kejin.assessment.inputs.frames import snapshot_from_row
from kejin.assessment.model import EnterpriseSnapshot
from kejin.assessment.standards.engine import assess, assess_many
from kejin.assessment.standards.rules import RuleSet, parse_ruleset

SEED = 2025
ON = dt.date(2025, 6, 1)
LABEL = {"zh": "条件", "en": "Condition"}


def _pool() -> list[dict[str, Any]]:
    """Leaves products are built from: marks on sizes and ratios, certificates, stages, flags."""
    leaves: list[dict[str, Any]] = []
    for name, marks in (
        ("revenue", (10**6, 10**7, 5 * 10**7, 2 * 10**8)),
        ("staff", (20, 100, 300, 500)),
        ("equity_raised_total", (10**6, 10**7)),
        ("class_i_ip_main", (1, 3)),
    ):
        leaves += [
            {"kind": "threshold", "measure": name, "op": op, "value": Decimal(mark)}
            for mark in marks
            for op in (">=", "<=")
        ]
    leaves += [
        {"kind": "threshold", "measure": ["rd_expense", "revenue"], "op": ">=", "value": share}
        for share in (Decimal("0.03"), Decimal("0.05"), Decimal("0.06"))
    ]
    leaves += [
        {"kind": "contains_any", "measure": "certifications", "members": members}
        for members in (["hnte"], ["tech_sme"], ["specialised_sme", "little_giant"])
    ]
    leaves += [
        {"kind": "contains_any", "measure": "latest_funding_stage", "members": members}
        for members in (["seed", "angel"], ["a", "b"], ["c", "d", "pre_ipo"])
    ]
    leaves += [
        {"kind": "threshold", "measure": flag, "op": "==", "value": False}
        for flag in ("serious_dishonesty", "major_violation")
    ]
    return leaves


def products(count: int, criteria: int, draw: random.Random) -> list[RuleSet]:
    pool = _pool()
    return [
        parse_ruleset(
            {
                "code": f"p{number}",
                "name_zh": f"产品{number}",
                "name_en": f"Product {number}",
                "issuer": "BENCHMARK",
                "doc_no": "—",
                "version": "1",
                "effective_from": "2020-01-01",
                "source_url": "",
                "verdict": {
                    "id": f"p{number}",
                    "kind": "all_of",
                    "label": LABEL,
                    "children": [
                        {**leaf, "id": f"p{number}.{index}", "label": LABEL}
                        for index, leaf in enumerate(draw.sample(pool, criteria))
                    ],
                },
            }
        )
        for number in range(count)
    ]


def _best(repeat: int, run: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def _one_firm(chosen: list[RuleSet], firms: list[EnterpriseSnapshot], repeat: int) -> None:
    ways: dict[str, Callable[[EnterpriseSnapshot], object]] = {
        "assess": lambda firm: [assess(r, firm, ON) for r in chosen],
        "assess(explain=False)": lambda firm: [assess(r, firm, ON, explain=False) for r in chosen],
        "assess_many": lambda firm: assess_many(chosen, firm, ON),
        "assess_many(explain=True)": lambda firm: assess_many(chosen, firm, ON, explain=True),
    }
    for name, way in ways.items():
        seconds = _best(repeat, lambda way=way: [way(firm) for firm in firms]) / len(firms)
        print(f"one firm, {name}: {seconds * 1000:.1f} ms")
    for firm in firms:
        many = assess_many(chosen, firm, ON)
        assert [a.verdict.status for a in many] == [
            assess(r, firm, ON).verdict.status for r in chosen
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--criteria", type=int, default=8)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--firms", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    chosen = products(args.products, args.criteria, random.Random(SEED))
    frame = snapshot_frame(args.rows, np.random.default_rng(SEED))
    firms = [snapshot_from_row(row) for row in frame.head(args.firms).iter_rows(named=True)]
    print(f"{args.products} products × {args.criteria} criteria; {args.rows:,} rows")
    _one_firm(chosen, firms, args.repeat)
    for codes in (False, True):

        def run(codes: bool = codes) -> object:
            return assess_frame(chosen, frame, ON, codes=codes)

        seconds = _best(args.repeat, run)
        answer = assess_frame(chosen, frame.head(1000), ON, codes=codes)
        print(
            f"frame, codes={codes}: {seconds:.2f} s, {args.rows / seconds:,.0f} rows/s, "
            f"{answer.width} columns, {answer.estimated_size('kb'):,.0f} kB per 1,000 rows"
        )


if __name__ == "__main__":
    main()
