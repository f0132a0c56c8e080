"""Time vectorised scoring with a credit scorecard (goal: 1,000,000 rows ≤ 5 s).

    PYTHONPATH=src:. python -m benchmarks.credit_score --rows 1000000 --features 30

Trains a scorecard on 20,000 synthetic rows, reloads it from its JSON artefact, then scores
`--rows` fresh rows with Polars (score and PD), best of `--repeat`. No figure is asserted.
"""

from __future__ import annotations

import argparse
import os
import time

from benchmarks.credit_synthetic import credit_frame
from kejin.credit.export import dumps, loads
from kejin.credit.model import TrainingConfig
from kejin.credit.scoring import score_frame
from kejin.credit.training import fit_scorecard


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fitted = fit_scorecard(
        credit_frame(20_000, args.features, 5), TrainingConfig(target="bad"), "s"
    )
    scorecard = loads(dumps(fitted.scorecard))
    rows = credit_frame(args.rows, args.features, seed=6)
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        scored = score_frame(scorecard, rows)
        timings.append(time.perf_counter() - started)
    assert scored.height == args.rows
    print(
        f"score {args.rows:,} rows with {len(scorecard.features)} features: "
        f"best {min(timings):.2f} s of {args.repeat} ({args.rows / min(timings):,.0f} rows/s); "
        f"load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
