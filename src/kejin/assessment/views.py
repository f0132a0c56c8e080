"""Read models of one enterprise's assessment, built from the pure results (no database).

`standards` explains every standard in force (criteria tree, inputs, sentences) with the advice
for the ones not met; `points` places the enterprise's innovation points in its cohort of a
stored run, exactly as that run would have scored it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kejin.assessment.advice.effort import load_effort_model
from kejin.assessment.advice.plans import Advice, advise_all
from kejin.assessment.model import CriterionResult, EnterpriseSnapshot, InputValue, Status
from kejin.assessment.points.config import Label, PointsConfig
from kejin.assessment.points.enterprise import points_for
from kejin.assessment.points.indicators import Indicator
from kejin.assessment.points.lookup import PointsLookup
from kejin.assessment.points.rank import rank_for
from kejin.assessment.runs.pipeline import Catalogue
from kejin.assessment.schemas import (
    AdviceView,
    CriterionView,
    IndicatorUnit,
    IndicatorView,
    PointsView,
    StandardView,
)
from kejin.assessment.standards.engine import assess
from kejin.assessment.standards.rules import Criterion, RuleSet

ADVISED = frozenset({Status.UNMET, Status.UNKNOWN})
PERCENT = Decimal("0.1")
VALUE_PLACES = Decimal("0.0001")


def standards(
    catalogue: Catalogue, snapshot: EnterpriseSnapshot, on: dt.date, *, advice: bool = True
) -> list[StandardView]:
    """Every standard in force on `on`, explained, with advice where it is not met."""
    in_force = catalogue.in_force(on)
    verdicts = [assess(ruleset, snapshot, on) for ruleset in in_force]
    needs_advice = advice and any(v.verdict.status in ADVISED for v in verdicts)
    advised: dict[str, Advice] = (
        {item.ruleset: item for item in advise_all(in_force, snapshot, on, load_effort_model())}
        if needs_advice
        else {}
    )
    views = []
    for ruleset, assessment in zip(in_force, verdicts, strict=True):
        version = ruleset.version
        found = advised.get(version.code)
        views.append(
            StandardView(
                code=version.code,
                name_zh=version.name_zh,
                name_en=version.name_en,
                issuer=version.issuer,
                doc_no=version.doc_no,
                version=version.version,
                source_url=version.source_url,
                status=assessment.verdict.status,
                points_low=_low(assessment.verdict),
                points_high=_high(assessment.verdict),
                verdict=_criterion(assessment.verdict, _labels(ruleset)),
                advice=_advice(found) if found and assessment.verdict.status in ADVISED else None,
            )
        )
    return views


def _labels(ruleset: RuleSet) -> dict[str, tuple[str, str]]:
    labels: dict[str, tuple[str, str]] = {}

    def visit(criterion: Criterion) -> None:
        labels[criterion.id] = (criterion.label_zh, criterion.label_en)
        for child in criterion.children:
            visit(child)

    visit(ruleset.root)
    return labels


def _low(result: CriterionResult) -> Decimal | None:
    return None if result.points is None else result.points.low


def _high(result: CriterionResult) -> Decimal | None:
    return None if result.points is None else result.points.high


def _criterion(result: CriterionResult, labels: dict[str, tuple[str, str]]) -> CriterionView:
    label_zh, label_en = labels.get(result.id, (result.id, result.id))
    return CriterionView(
        id=result.id,
        label_zh=label_zh,
        label_en=label_en,
        status=result.status,
        points_low=_low(result),
        points_high=_high(result),
        sentence_zh=result.sentence_zh,
        sentence_en=result.sentence_en,
        inputs={name: _plain(value) for name, value in result.inputs.items()},
        chosen=result.chosen,
        children=[_criterion(child, labels) for child in result.children],
    )


def _plain(value: InputValue | Fraction) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [str(item) for item in value]
    if isinstance(value, Decimal | Fraction):
        return str(value)
    return value


def _advice(advice: Advice) -> AdviceView:
    return AdviceView.model_validate(
        {
            **advice.to_dict(),
            "missing": [item.to_dict() for item in advice.missing],
            "excluded": [item.to_dict() for item in advice.excluded],
        }
    )


def points(
    snapshot: EnterpriseSnapshot,
    region: str,
    cluster: str,
    lookup: PointsLookup,
    config: PointsConfig,
) -> PointsView | None:
    """Innovation points of the snapshot against a stored run's statistics; None without a
    stage or a cohort."""
    found = points_for(snapshot, lookup.cohorts, config, region=region, cluster=cluster)
    if found.innovation_points is None or found.points_stage is None:
        return None
    stage = found.stage.stage
    assert stage is not None
    rank = rank_for(found.innovation_points, region, stage, lookup.scores, config)
    groups = {group.id: group for group in config.groups}
    indicators = [
        _indicator(
            indicator,
            groups[indicator.group],
            snapshot,
            found.percentiles.get(indicator.id),
            found.points_stage,
        )
        for indicator in config.indicators
    ]
    group = lookup.scores.group(region, stage)
    scores = [] if group is None else [[points, firms] for points, firms in group.pairs]
    points_stage = next(item for item in config.points_stages if item.id == found.points_stage)
    band = next((item for item in config.bands if rank and item.id == rank.band), None)
    assert found.cohort_size is not None
    assert found.cohort_pooled is not None
    return PointsView(
        score=found.innovation_points,
        points_stage=found.points_stage,
        points_stage_zh=points_stage.zh,
        points_stage_en=points_stage.en,
        cohort_size=found.cohort_size,
        cohort_pooled=found.cohort_pooled,
        rank=None if rank is None else rank.rank,
        # a firm missing from the stored table is ranked among max(N, rank) firms
        ranked=None if rank is None else max(rank.rank, 0 if group is None else group.size),
        rank_pct=None if rank is None else _percent(rank.rank_pct),
        band=None if rank is None else rank.band,
        band_zh=None if band is None else band.zh,
        band_en=None if band is None else band.en,
        indicators=indicators,
        top_indicators=[name for name, _ in found.top],
        cohort_scores=scores,
    )


def _indicator(
    indicator: Indicator,
    group: Label,
    snapshot: EnterpriseSnapshot,
    percentile: float | None,
    stage: str,
) -> IndicatorView:
    """One indicator's row: the points it gives are weight · percentile / 100 (the points are
    their sum, rounded), so every indicator shows its part, not only the top ones."""
    weight = Decimal(indicator.weights[stage])
    exact = None if percentile is None else Decimal(str(percentile))
    return IndicatorView(
        name=indicator.id,
        label_zh=indicator.label_zh,
        label_en=indicator.label_en,
        group_zh=group.zh,
        group_en=group.en,
        unit=_unit(indicator),
        value=_value(indicator.measure.of(snapshot)),
        percentile=_percent(percentile),
        weight=weight,
        contribution=Decimal(0) if exact is None else (weight * exact / 100).quantize(PERCENT),
    )


def _unit(indicator: Indicator) -> IndicatorUnit:
    """How a page shows the measure: an amount of money, a ratio (growth is one), a count."""
    if indicator.measure.kind in ("ratio", "growth"):
        return IndicatorUnit.RATIO
    if indicator.grid.kind == "log":
        return IndicatorUnit.MONEY
    return IndicatorUnit.COUNT


def _value(measure: tuple[int, int] | None) -> Decimal | None:
    """A measure `(num, den)` as a decimal: exact to four places (money in fen is), else
    rounded to 0.0001 (a ratio such as 1/3)."""
    if measure is None:
        return None
    num, den = measure
    value = Decimal(num) / Decimal(den)
    exponent = value.as_tuple().exponent
    return value if isinstance(exponent, int) and exponent >= -4 else value.quantize(VALUE_PLACES)


def _percent(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(PERCENT)
