"""Time training a credit scorecard on synthetic data (goal: 100,000 rows × 30 features ≤ 60 s).

    PYTHONPATH=src:. python -m benchmarks.credit_train --rows 100000 --features 30

Fits the whole pipeline (target, split, optbinning with monotonic trends, logistic fit, points)
and the model card; prints the time, the features kept, the hold-out AUC and the load average.
No figure is asserted.
"""

from __future__ import annotations

import argparse
import os
import time

from benchmarks.credit_synthetic import credit_frame
from kejin.credit.card import model_card
from kejin.credit.model import TrainingConfig
from kejin.credit.training import fit_scorecard


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=30)
    args = parser.parse_args()
    frame = credit_frame(args.rows, args.features, seed=11)
    started = time.perf_counter()
    fitted = fit_scorecard(frame, TrainingConfig(target="bad"), "synthetic")
    fitted_at = time.perf_counter()
    card = model_card(fitted)
    finished = time.perf_counter()
    print(
        f"train {args.rows:,} rows × {args.features} features: fit {fitted_at - started:.1f} s, "
        f"card {finished - fitted_at:.1f} s, total {finished - started:.1f} s; "
        f"{len(fitted.scorecard.features)} features kept, "
        f"test AUC {card['splits']['test']['auc']:.3f}; load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
