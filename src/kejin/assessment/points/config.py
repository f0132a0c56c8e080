"""The innovation-points configuration (创新积分指标体系): indicators, grids, weights per points
stage, the stage map, cohort pooling and rank bands, read from
`config/innovation-points-<version>.json` and checked whole before any firm is scored.

The format is described in docs/innovation-points.md; a region changes the indicators and weights
by editing (or adding a version of) the data file, never the code.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from kejin.assessment.errors import InvalidRuleSet
from kejin.assessment.inputs.frames import INPUT_SCHEMA, MONEY
from kejin.assessment.points.indicators import (
    MISSING_TREATMENTS,
    VOCABULARIES,
    Grid,
    Indicator,
    Measure,
    log_edges,
)
from kejin.assessment.points.stage import CONFIG_DIR, STAGES, StageRules, load_stage_rules
from kejin.registry.model import Stage

DEFAULT_POINTS_CONFIG = "2024"
TOTAL_POINTS = 1000  # the weights of each points stage add up to this
_BUCKET_LIMIT = 1 << 31  # buckets fit in 32 bits of the pass-2 lookup keys


@dataclasses.dataclass(frozen=True, slots=True)
class Label:
    """An id with its Chinese and English names."""

    id: str
    zh: str
    en: str


@dataclasses.dataclass(frozen=True, slots=True)
class RankBand:
    """Firms whose rank is within the first `up_to_pct` % of their ranking group."""

    id: str
    up_to_pct: int
    zh: str
    en: str


@dataclasses.dataclass(frozen=True, slots=True)
class PointsConfig:
    """One version of the innovation-points configuration, with the stage rules it names."""

    version: str
    name_zh: str
    name_en: str
    source: str
    stages: StageRules
    points_stages: tuple[Label, ...]
    stage_map: Mapping[Stage, str]
    min_cohort_size: int
    groups: tuple[Label, ...]
    indicators: tuple[Indicator, ...]
    bands: tuple[RankBand, ...]

    def weight_matrix(self) -> tuple[tuple[int, ...], ...]:
        """Weights as rows per points stage (in `points_stages` order), columns per indicator."""
        return tuple(
            tuple(indicator.weights[stage.id] for indicator in self.indicators)
            for stage in self.points_stages
        )


def load_points_config(
    version: str = DEFAULT_POINTS_CONFIG, directory: Path | None = None
) -> PointsConfig:
    """`innovation-points-<version>.json` and the stage rules it names, from one folder."""
    folder = directory or Path(str(resources.files("kejin.assessment") / CONFIG_DIR))
    path = folder / f"innovation-points-{version}.json"
    data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return parse_points_config(data, load_stage_rules(str(data["stage_rules"]), folder))


def parse_points_config(data: Mapping[str, Any], stages: StageRules) -> PointsConfig:
    """The configuration from decoded JSON; a malformed file is refused whole, naming why."""
    try:
        points_stages = tuple(_label(item) for item in data["points_stages"])
        stage_ids = {item.id for item in points_stages}
        stage_map = {stage: data["stage_map"][stage.value] for stage in STAGES}
        if not set(stage_map.values()) <= stage_ids:
            raise ValueError(f"stage_map names a points stage outside {sorted(stage_ids)}")
        groups = tuple(_label(item) for item in data["groups"])
        grids = {name: _grid(name, spec) for name, spec in data["grids"].items()}
        indicators = tuple(
            _indicator(item, grids, {group.id for group in groups}, stage_ids)
            for item in data["indicators"]
        )
        _check_unique("indicator", [indicator.id for indicator in indicators])
        _check_weights(indicators, points_stages)
        if int(data["min_cohort_size"]) < 1:
            raise ValueError("min_cohort_size must be at least 1")
        return PointsConfig(
            version=str(data["version"]),
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            source=data["source"],
            stages=stages,
            points_stages=points_stages,
            stage_map=stage_map,
            min_cohort_size=int(data["min_cohort_size"]),
            groups=groups,
            indicators=indicators,
            bands=_bands(data["bands"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidRuleSet(
            "Rule set {code} is malformed: {reason}", code=data.get("code"), reason=repr(error)
        ) from error


def _label(data: Mapping[str, Any]) -> Label:
    return Label(id=data["id"], zh=data["label"]["zh"], en=data["label"]["en"])


def _check_unique(kind: str, ids: list[str]) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"{kind} ids must be unique")


def _grid(name: str, spec: Mapping[str, Any]) -> Grid:
    if spec["kind"] == "log":
        edges = log_edges(int(spec["per_decade"]), int(spec["decades"]))
        return Grid(name=name, kind="log", edges=edges)
    if spec["kind"] != "linear":
        raise ValueError(f"grid {name}: kind must be linear or log")
    grid = Grid(name, "linear", int(spec["per_unit"]), int(spec["lowest"]), int(spec["highest"]))
    if grid.per_unit < 1 or not -_BUCKET_LIMIT < grid.lowest <= grid.highest < _BUCKET_LIMIT:
        raise ValueError(f"grid {name}: per_unit ≥ 1, −2^31 < lowest ≤ highest < 2^31")
    return grid


def _indicator(
    data: Mapping[str, Any], grids: Mapping[str, Grid], groups: set[str], stages: set[str]
) -> Indicator:
    indicator_id = data["id"]
    if "." in indicator_id or data["group"] not in groups:
        raise ValueError(f"indicator {indicator_id}: id without dots, group among {groups}")
    if data["missing"] not in MISSING_TREATMENTS:
        raise ValueError(f"indicator {indicator_id}: missing is one of {MISSING_TREATMENTS}")
    weights = {stage: int(points) for stage, points in data["weights"].items()}
    if set(weights) != stages or min(weights.values()) < 0:
        raise ValueError(f"indicator {indicator_id}: a weight ≥ 0 for each of {sorted(stages)}")
    measure = _measure(indicator_id, data["measure"])
    grid = grids[data["grid"]]
    if grid.kind == "log" and (measure.kind != "value" or INPUT_SCHEMA[measure.inputs[0]] != MONEY):
        raise ValueError(f"indicator {indicator_id}: a log grid buckets money values only")
    return Indicator(
        id=indicator_id,
        group=data["group"],
        label_zh=data["label"]["zh"],
        label_en=data["label"]["en"],
        measure=measure,
        grid=grid,
        missing=data["missing"],
        weights=weights,
    )


_NUMBERS = (pl.Int64(), MONEY, pl.Decimal(38, 4))


def _measure(indicator_id: str, data: Mapping[str, Any]) -> Measure:
    kind = data["kind"]
    inputs = tuple(data["inputs"]) if kind == "ratio" else (data["input"],)
    dtypes = [INPUT_SCHEMA.get(name) for name in inputs]
    wanted = {
        "value": len(inputs) == 1 and dtypes[0] in _NUMBERS,
        "ratio": len(inputs) == 2 and dtypes[0] in _NUMBERS and dtypes[0] == dtypes[1],
        "growth": dtypes[0] == pl.List(MONEY),
        "count": dtypes[0] == pl.List(pl.String()),
    }
    if not wanted.get(kind, False):
        raise ValueError(f"indicator {indicator_id}: inputs {inputs} do not suit measure {kind}")
    members = tuple(sorted(data.get("members", ())))
    vocabulary = VOCABULARIES.get(inputs[0])
    if members and (kind != "count" or (vocabulary and not set(members) <= vocabulary)):
        raise ValueError(f"indicator {indicator_id}: members {members} are not tokens of it")
    return Measure(kind=kind, inputs=inputs, members=members)


def _check_weights(indicators: tuple[Indicator, ...], stages: tuple[Label, ...]) -> None:
    for stage in stages:
        total = sum(indicator.weights[stage.id] for indicator in indicators)
        if total != TOTAL_POINTS:
            raise ValueError(f"weights of stage {stage.id} add up to {total}, not {TOTAL_POINTS}")


def _bands(data: list[Mapping[str, Any]]) -> tuple[RankBand, ...]:
    bands = tuple(
        RankBand(item["id"], int(item["up_to_pct"]), item["label"]["zh"], item["label"]["en"])
        for item in data
    )
    bounds = [band.up_to_pct for band in bands]
    if not bands or bounds != sorted(set(bounds)) or bounds[0] < 1 or bounds[-1] != 100:
        raise ValueError("bands rise strictly in up_to_pct from at least 1 to 100")
    _check_unique("band", [band.id for band in bands])
    return bands
