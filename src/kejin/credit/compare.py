"""Financial-only against tech-aware scorecards on the same hold-out, and what the tech-aware
model recovers of the demo region's generating model of default."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression

from kejin.credit.features import FEATURE_SETS, STAGE, TARGET, usable_columns
from kejin.credit.metrics import discrimination
from kejin.credit.model import DEFAULT_SEED, Scorecard, TrainingConfig
from kejin.credit.scoring import PD, score_frame
from kejin.credit.training import Fitted, fit_scorecard
from kejin.region.calibration import DEFAULT_MODEL

SEGMENTS = ("seed", "start_up")
STAGE_DUMMIES = ("stage_seed", "stage_start_up", "stage_expansion", "stage_mature")


def compare(
    table: pl.DataFrame, seed: int = DEFAULT_SEED
) -> tuple[dict[str, Any], dict[str, Fitted]]:
    """Fit both feature sets on one split (the split depends only on the outcome and the seed)
    and measure AUC / KS / Gini on the hold-out (validation and test), overall and by stage.
    Returns the report and the two fitted scorecards by feature set."""
    usable = usable_columns(table)
    models: dict[str, Any] = {}
    fitted_by: dict[str, Fitted] = {}
    for name in FEATURE_SETS:
        fitted = fit_feature_set(usable, name, seed)
        fitted_by[name] = fitted
        models[name] = {
            "features": list(fitted.scorecard.feature_names),
            "holdout": _holdout(fitted, usable),
        }
    tech = fitted_by["tech"]
    report = {
        "rows": table.height,
        "event_rate": float(tech.events.mean()),
        "seed": seed,
        "models": models,
        "directions": directions(tech.scorecard),
        "reference": reference(table, tech),
    }
    return report, fitted_by


def fit_feature_set(usable: pl.DataFrame, name: str, seed: int = DEFAULT_SEED) -> Fitted:
    """A scorecard on the features of `FEATURE_SETS[name]` that `usable` holds."""
    chosen = tuple(f for f in FEATURE_SETS[name] if f in usable.columns)
    config = TrainingConfig(target=TARGET, features=chosen, seed=seed)
    return fit_scorecard(usable, config, source=f"demo region ({name})")


def _holdout(fitted: Fitted, table: pl.DataFrame) -> dict[str, dict[str, float] | None]:
    rows = np.sort(np.concatenate([fitted.split.validation, fitted.split.test]))
    pd_values = score_frame(fitted.scorecard, table[rows])[PD].to_numpy()
    events = fitted.events[rows]
    result: dict[str, dict[str, float] | None] = {"all": _measure(pd_values, events)}
    if STAGE in table.columns:
        stage = table[STAGE][rows].to_numpy()
        for segment in SEGMENTS:
            mask = stage == segment
            result[segment] = _measure(pd_values[mask], events[mask])
    return result


def _measure(pd_values: np.ndarray, events: np.ndarray) -> dict[str, float] | None:
    """AUC, KS and Gini, or None where a part lacks either outcome."""
    if events.sum() in {0, len(events)}:
        return None
    result = discrimination(pd_values, events)
    return {
        "rows": result.rows,
        "event_rate": result.event_rate,
        "auc": result.auc,
        "ks": result.ks,
        "gini": result.gini,
    }


def directions(scorecard: Scorecard) -> dict[str, dict[str, Any]]:
    """Per generating signal the scorecard kept: whether its bad rate rises (+) or falls (−)
    from its lowest to its highest bin, against the sign of the documented β."""
    found: dict[str, dict[str, Any]] = {}
    for feature in scorecard.features:
        beta = DEFAULT_MODEL.get(feature.name)
        if beta is None or len(feature.bins) < 2:
            continue
        first, last = feature.bins[0].event_rate, feature.bins[-1].event_rate
        sign = 1 if last > first else -1
        found[feature.name] = {"beta": beta, "sign": sign, "agrees": bool(sign == np.sign(beta))}
    return found


def reference(table: pl.DataFrame, fitted: Fitted) -> dict[str, Any]:
    """A nearly unpenalised logistic regression on the raw generating signals (stage as the
    documented dummies, growth the reference) over the training rows with every signal known:
    its coefficients beside the documented β, and its hold-out AUC."""
    staged = table[STAGE].null_count() < table.height
    names = [n for n in DEFAULT_MODEL if n != "intercept" and (staged or n not in STAGE_DUMMIES)]
    frame = table.with_columns(
        (pl.col(STAGE) == dummy.removeprefix("stage_")).cast(pl.Float64).alias(dummy)
        for dummy in STAGE_DUMMIES
    )
    x = frame.select(pl.col(n).cast(pl.Float64) for n in names).to_numpy()
    known = ~np.isnan(x).any(axis=1)
    train = np.zeros(len(x), bool)
    train[fitted.split.train] = True
    regression = LogisticRegression(C=1e6, max_iter=5000)
    regression.fit(x[train & known], fitted.events[train & known])
    holdout = ~train & known
    pd_values = regression.predict_proba(x[holdout])[:, 1]
    coefficients = {
        name: {
            "beta": DEFAULT_MODEL[name],
            "fitted": float(b),
            "agrees": bool(np.sign(b) == np.sign(DEFAULT_MODEL[name])),
        }
        for name, b in zip(names, regression.coef_[0], strict=True)
    }
    return {
        "rows": int((train & known).sum()),
        "intercept": {
            "beta": DEFAULT_MODEL["intercept"],
            "fitted": float(regression.intercept_[0]),
        },
        "coefficients": coefficients,
        "holdout": _measure(pd_values, fitted.events[holdout]),
    }


def render_markdown(report: dict[str, Any]) -> str:
    """The comparison as a Markdown report."""
    lines = [
        "# Financial-only against tech-aware scorecard",
        "",
        f"{report['rows']:,} loans, default rate {report['event_rate']:.1%}, "
        f"seed {report['seed']}.",
        "",
        "| model | segment | rows | default rate | AUC | KS | Gini |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, model in report["models"].items():
        for segment, m in model["holdout"].items():
            if m is None:
                lines.append(f"| {name} | {segment} | – | – | – | – | – |")
                continue
            lines.append(
                f"| {name} | {segment} | {m['rows']:,} | {m['event_rate']:.1%} | "
                f"{m['auc']:.3f} | {m['ks']:.3f} | {m['gini']:.3f} |"
            )
    lines += ["", "## Features kept", ""]
    lines += [f"- {name}: {', '.join(m['features'])}" for name, m in report["models"].items()]
    lines += [
        "",
        "## Directions in the tech-aware scorecard",
        "",
        "| signal | documented β | bad rate rises with the value | agrees |",
        "|---|---:|---|---|",
    ]
    lines += [
        f"| {n} | {d['beta']:+.2f} | {'yes' if d['sign'] > 0 else 'no'} | "
        f"{'yes' if d['agrees'] else 'NO'} |"
        for n, d in report["directions"].items()
    ]
    ref = report["reference"]
    lines += [
        "",
        "## Reference: logistic regression on the raw generating signals",
        "",
        f"{ref['rows']:,} training rows with every signal known.",
        "",
        "| term | documented β | fitted | same sign |",
        "|---|---:|---:|---|",
        f"| intercept | {ref['intercept']['beta']:+.2f} | {ref['intercept']['fitted']:+.2f} | |",
    ]
    lines += [
        f"| {n} | {c['beta']:+.2f} | {c['fitted']:+.2f} | {'yes' if c['agrees'] else 'NO'} |"
        for n, c in ref["coefficients"].items()
    ]
    if ref["holdout"] is not None:
        lines += ["", f"Hold-out AUC of the reference: {ref['holdout']['auc']:.3f}."]
    return "\n".join(lines) + "\n"
