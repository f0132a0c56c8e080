"""Time "what would it take" advice over synthetic enterprises, per rule set.

    PYTHONPATH=src python -m benchmarks.bench_advice --enterprises 2000 [--seed 7]

Draws enterprises near the tech-SME and HNTE bounds (seeded, so runs compare), advises every
shipped rule set in force on 2026-06-01 with the others linked, and prints per rule set the
verdict mix, how many unmet firms got a plan, and the time per enterprise (median, p95, max).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections import Counter, defaultdict
from decimal import Decimal

from kejin.assessment.advice.effort import load_effort_model
from kejin.assessment.advice.plans import advise
from kejin.assessment.model import EnterpriseSnapshot
from kejin.assessment.standards.catalogue import load_rulesets, ruleset_in_force

ON = dt.date(2026, 6, 1)


def enterprise(draw: random.Random) -> EnterpriseSnapshot:
    """One firm: sizes around the SME limits, ratios around the bands, flags mostly clean."""
    staff = draw.randint(5, 520)
    revenue = Decimal(draw.randint(0, 210_000_000))

    def rarely() -> bool:
        return draw.random() < 0.05

    def money(top: int) -> Decimal:
        return Decimal(draw.randint(0, top))

    def series() -> tuple[Decimal, ...]:
        return tuple(money(50_000_000) for _ in range(draw.randint(1, 3)))

    revenue_history = tuple(money(300_000_000) for _ in range(3))
    return EnterpriseSnapshot(
        resident_mainland=not rarely(),
        staff=staff,
        tech_staff=draw.randint(0, staff),
        revenue=revenue,
        revenue_3y=revenue * draw.randint(1, 3),
        total_costs=money(210_000_000),
        rd_expense=revenue * Decimal(draw.randint(0, 800)) / 10_000,
        rd_expense_3y=revenue * Decimal(draw.randint(0, 1_800)) / 10_000,
        rd_domestic_share=Decimal(draw.randint(30, 100)) / 100,
        high_tech_revenue=revenue * Decimal(draw.randint(0, 100)) / 100,
        total_assets=money(210_000_000),
        restricted_products=rarely(),
        major_violation=rarely(),
        serious_dishonesty=rarely(),
        major_accident_prior_year=rarely(),
        key_supported_field=not rarely(),
        class_i_ip_main=draw.choice([0, 0, 0, 1, 2]),
        class_ii_ip_main=draw.randint(0, 6),
        ip_self_developed=draw.random() < 0.8,
        age_days=draw.randint(100, 4_000),
        certifications=frozenset(),
        awards=frozenset(),
        rd_institutions=frozenset(draw.sample(["municipal", "district"], draw.randint(0, 1))),
        standards_led=draw.choice([0, 0, 0, 1]),
        conversions_per_year=Decimal(draw.randint(0, 6)),
        net_assets_history=series(),
        sales_history=revenue_history,
        rd_staff=draw.randint(0, staff),
        main_business_revenue=revenue * Decimal(draw.randint(40, 100)) / 100,
        main_revenue_history=series(),
        rd_expense_history=tuple(value / 20 for value in revenue_history),
        total_liabilities=money(150_000_000),
        net_profit=revenue * Decimal(draw.randint(-5, 15)) / 100,
        equity_raised_2y=money(30_000_000),
        equity_raised_3y=money(10_000_000),
        years_in_niche=draw.randint(0, 12),
        invention_patents_main=draw.randint(0, 20),
        high_value_ip_main=draw.choice([0, 0, 1]),
        strategic_emerging=draw.random() < 0.5,
        software_company=rarely(),
        international_leading_tech=False,
        national_major_project_lead=False,
        import_substitution=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rulesets = load_rulesets()
    model = load_effort_model()
    codes = sorted({ruleset.version.code for ruleset in rulesets})
    in_force = {code: ruleset_in_force(rulesets, code, ON) for code in codes}
    draw = random.Random(args.seed)
    seconds: dict[str, list[float]] = defaultdict(list)
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    for _ in range(args.enterprises):
        snapshot = enterprise(draw)
        for code, ruleset in in_force.items():
            started = time.perf_counter()
            advice = advise(ruleset, snapshot, ON, model, linked=in_force)
            seconds[code].append(time.perf_counter() - started)
            planned = "with a plan" if advice.plans else "no plan"
            outcomes[code][advice.status.value] += 1
            if advice.status.value in ("unmet", "unknown"):
                outcomes[code][planned] += 1
    columns = "verdicts | unmet/unknown with a plan | median ms | p95 ms | max ms"
    print(f"| rule set | enterprises | {columns} |")
    print("|---|---|---|---|---|---|---|")
    for code, times in seconds.items():
        ms = sorted(1000 * value for value in times)
        counts = outcomes[code]
        verdicts = ", ".join(
            f"{status} {counts[status]}" for status in ("met", "manual_review", "unmet", "unknown")
        )
        advised = counts["with a plan"] + counts["no plan"]
        print(
            f"| {code} | {len(times)} | {verdicts} | {counts['with a plan']}/{advised} | "
            f"{statistics.median(ms):.1f} | {ms[int(0.95 * (len(ms) - 1))]:.1f} | {ms[-1]:.1f} |"
        )


if __name__ == "__main__":
    main()
