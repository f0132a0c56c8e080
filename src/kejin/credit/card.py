"""The model card (模型卡): data, features, binning tables, discrimination per split (and per
cross-validation fold, and of a challenger model, when trained with them), calibration and score
distribution — as JSON-ready data and as Markdown."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from kejin.credit.export import content_version
from kejin.credit.metrics import (
    Discrimination,
    across_folds,
    calibration,
    discrimination,
    score_histogram,
)
from kejin.credit.model import Scorecard
from kejin.credit.scoring import PD, SCORE, score_frame

if TYPE_CHECKING:  # the fitting stack is imported only by training itself
    from kejin.credit.challenger import ChallengerResult
    from kejin.credit.training import Fitted

MEASURES = ("auc", "ks", "gini")


def model_card(fitted: Fitted, challenger: ChallengerResult | None = None) -> dict[str, Any]:
    """The card of a freshly fitted scorecard, measured on each part of its split, on each
    cross-validation fold if it has them, and beside `challenger` if one was fitted."""
    scorecard = fitted.scorecard
    scored = score_frame(scorecard, fitted.frame)
    pd_values, scores = scored[PD].to_numpy(), scored[SCORE].to_numpy()
    splits = {
        part: _measured(discrimination(pd_values[rows], fitted.events[rows]))
        for part, rows in fitted.split.parts().items()
    }
    test = fitted.split.test
    card = {
        "version": content_version(scorecard),
        "data": dataclasses.asdict(scorecard.data),
        "target": {"column": scorecard.target, "event": scorecard.event},
        "scaling": dataclasses.asdict(scorecard.scaling)
        | {"factor": scorecard.scaling.factor, "offset": scorecard.scaling.offset},
        "seed": scorecard.seed,
        "features": _features(scorecard),
        "splits": splits,
        "calibration_test": [
            dataclasses.asdict(b) for b in calibration(pd_values[test], fitted.events[test])
        ],
        "score_distribution": [
            {"from": edge, "rows": rows} for edge, rows in score_histogram(scores)
        ],
        "score_summary": _summary(scores),
    }
    if fitted.folds:
        card["cross_validation"] = _cross_validation(fitted.folds)
    if challenger is not None:
        card["challenger"] = _challenger(challenger, splits["test"])
    return card


def _cross_validation(folds: tuple[Discrimination, ...]) -> dict[str, Any]:
    return {
        "folds": len(folds),
        "per_fold": [_measured(result) for result in folds],
        "summary": across_folds(folds),
    }


def _challenger(result: ChallengerResult, scorecard_test: dict[str, float]) -> dict[str, Any]:
    """The challenger's test metrics beside the scorecard's, and challenger minus scorecard."""
    test = _measured(result.test)
    return {
        "model": result.model,
        "features": result.features,
        "trees": result.trees,
        "test": test,
        "scorecard_test": {m: scorecard_test[m] for m in MEASURES},
        "difference": {m: test[m] - scorecard_test[m] for m in MEASURES},
    }


def _measured(result: Discrimination) -> dict[str, float]:
    return {**dataclasses.asdict(result), "gini": result.gini}


def _features(scorecard: Scorecard) -> list[dict[str, Any]]:
    return [
        {
            "name": f.name,
            "kind": str(f.kind),
            "trend": str(f.trend),
            "coefficient": f.coefficient,
            "iv": f.iv,
            "bins": [
                dataclasses.asdict(b) | {"event_rate": b.event_rate}
                for b in (*f.bins, f.special, f.missing)
            ],
        }
        for f in sorted(scorecard.features, key=lambda f: -f.iv)
    ]


def _summary(scores: np.ndarray) -> dict[str, float]:
    quantiles = np.quantile(scores, [0.05, 0.5, 0.95])
    return {
        "min": float(scores.min()),
        "p05": float(quantiles[0]),
        "median": float(quantiles[1]),
        "p95": float(quantiles[2]),
        "max": float(scores.max()),
    }


def render_markdown(card: dict[str, Any]) -> str:
    """The card as a Markdown document a credit committee can read."""
    data, scaling = card["data"], card["scaling"]
    lines = [
        f"# Scorecard {card['version']}",
        "",
        f"Data: `{data['source']}` — {data['rows']:,} rows, event rate "
        f"{data['event_rate']:.2%} (`{card['target']['column']}` = "
        f"`{card['target']['event']}`), fingerprint `{data['fingerprint'][:19]}…`.",
        f"Scaling: {scaling['base_score']:g} points at good:bad odds {scaling['base_odds']:g}:1, "
        f"{scaling['pdo']:g} points to double the odds. Split seed {card['seed']}.",
        "",
        "## Discrimination",
        "",
        "| split | rows | event rate | AUC | KS | Gini |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for part, m in card["splits"].items():
        lines.append(
            f"| {part} | {m['rows']:,} | {m['event_rate']:.2%} | {m['auc']:.3f} | "
            f"{m['ks']:.3f} | {m['gini']:.3f} |"
        )
    lines += _cross_validation_markdown(card.get("cross_validation"))
    lines += _challenger_markdown(card.get("challenger"))
    lines += [
        "",
        "## Calibration on the test split",
        "",
        "| decile | rows | predicted PD | observed |",
    ]
    lines.append("|---:|---:|---:|---:|")
    lines.extend(
        f"| {b['band']} | {b['rows']} | {b['predicted']:.2%} | {b['observed']:.2%} |"
        for b in card["calibration_test"]
    )
    summary = card["score_summary"]
    lines += [
        "",
        "## Score distribution",
        "",
        "min {min:.0f} · 5% {p05:.0f} · median {median:.0f} · 95% {p95:.0f} · max {max:.0f}".format(
            **summary
        ),
        "",
        "| from | rows |",
        "|---:|---:|",
        *(f"| {band['from']:.0f} | {band['rows']:,} |" for band in card["score_distribution"]),
        "",
        "## Features",
    ]
    for feature in card["features"]:
        lines += _feature_markdown(feature)
    return "\n".join(lines) + "\n"


def _cross_validation_markdown(section: dict[str, Any] | None) -> list[str]:
    if section is None:
        return []
    lines = [
        "",
        f"## Cross-validation ({section['folds']} folds of the training and validation rows)",
        "",
        "| fold | rows | event rate | AUC | KS | Gini |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {i} | {m['rows']:,} | {m['event_rate']:.2%} | {m['auc']:.3f} | {m['ks']:.3f} | "
        f"{m['gini']:.3f} |"
        for i, m in enumerate(section["per_fold"], start=1)
    )
    s = section["summary"]
    lines.append(
        "| mean ± sd | | | "
        + " | ".join(f"{s[m]['mean']:.3f} ± {s[m]['sd']:.3f}" for m in MEASURES)
        + " |"
    )
    return lines


def _challenger_markdown(section: dict[str, Any] | None) -> list[str]:
    if section is None:
        return []
    model = f"{section['model']} ({section['trees']} trees)"
    return [
        "",
        "## Challenger on the test split",
        "",
        "| model | AUC | KS | Gini |",
        "|---|---:|---:|---:|",
        _metrics_row("scorecard", section["scorecard_test"], "{:.3f}"),
        _metrics_row(model, section["test"], "{:.3f}"),
        _metrics_row("difference", section["difference"], "{:+.3f}"),
        "",
        "The challenger is a comparison only: it is neither saved nor used to score.",
    ]


def _metrics_row(name: str, metrics: dict[str, float], spec: str) -> str:
    return f"| {name} | " + " | ".join(spec.format(metrics[m]) for m in MEASURES) + " |"


def _feature_markdown(feature: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"### {feature['name']} — IV {feature['iv']:.3f}, {feature['kind']}, "
        f"trend {feature['trend']}, β {feature['coefficient']:.3f}",
        "",
        "| bin | rows | events | event rate | WoE | IV | points |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {_cell(b['label'])} | {b['count']:,} | {b['events']:,} | {b['event_rate']:.2%} | "
        f"{b['woe']:.3f} | {b['iv']:.3f} | {b['points']:.1f} |"
        for b in feature["bins"]
    )
    return lines


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")
