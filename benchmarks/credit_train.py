"""Time training a credit scorecard on synthetic data (goal: 100,000 rows × 30 features ≤ 60 s).

    PYTHONPATH=src:. python -m benchmarks.credit_train --rows 100000 --features 30 [--folds 5]
        [--challenger]

Fits the whole pipeline (target, split, optbinning with monotonic trends, logistic fit, points),
with `--folds` its cross-validation too, with `--challenger` a LightGBM challenger, and the model
card; prints the times, the features kept, the test AUC(s) and the load average. No figure is
asserted.
"""

from __future__ import annotations

import argparse
import os
import time

from benchmarks.credit_synthetic import credit_frame
from kejin.credit.card import model_card
from kejin.credit.challenger import ChallengerResult, fit_lightgbm
from kejin.credit.model import TrainingConfig
from kejin.credit.training import fit_scorecard


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--folds", type=int, help="cross-validate in this many folds")
    parser.add_argument("--challenger", action="store_true", help="fit a LightGBM challenger")
    args = parser.parse_args()
    frame = credit_frame(args.rows, args.features, seed=11)
    config = TrainingConfig(target="bad", folds=args.folds)
    started = time.perf_counter()
    fitted = fit_scorecard(frame, config, "synthetic")
    fitted_at = time.perf_counter()
    challenger: ChallengerResult | None = fit_lightgbm(fitted, config) if args.challenger else None
    challenged_at = time.perf_counter()
    card = model_card(fitted, challenger)
    finished = time.perf_counter()
    rival = (
        f", challenger {challenged_at - fitted_at:.1f} s (test AUC {challenger.test.auc:.3f})"
        if challenger
        else ""
    )
    print(
        f"train {args.rows:,} rows × {args.features} features"
        f"{f', {args.folds} folds' if args.folds else ''}: fit {fitted_at - started:.1f} s"
        f"{rival}, card {finished - challenged_at:.1f} s, total {finished - started:.1f} s; "
        f"{len(fitted.scorecard.features)} features kept, "
        f"test AUC {card['splits']['test']['auc']:.3f}; load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
