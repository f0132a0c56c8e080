"""What both innovation-points passes read of a snapshot frame: its key columns, life-cycle stage
and the bucket of each indicator's measure. `bucketed` computes them once, so a process that runs
pass 1 and pass 2 over the same rows (the in-process engine) does not compute them twice; the
passes also take a plain snapshot frame and compute them themselves (`prepared`).
"""

from __future__ import annotations

import dataclasses

import polars as pl

from kejin.assessment.inputs.frames import KEY_SCHEMA
from kejin.assessment.points.config import PointsConfig
from kejin.assessment.points.indicators import Indicator
from kejin.assessment.points.stage import with_stage

STAGE_COLUMNS = ("stage", "stage_basis", "stage_rule")


@dataclasses.dataclass(frozen=True, slots=True)
class Bucketed:
    """A snapshot frame's key columns, stage columns and one raw bucket column per indicator
    (null: the measure is missing), following configuration `config_version`."""

    config_version: str
    frame: pl.DataFrame


def bucketed(frame: pl.DataFrame, config: PointsConfig) -> Bucketed:
    """What both passes read of a snapshot frame (or a partition of one)."""
    staged = with_stage(frame, config.stages)
    buckets = (
        indicator.bucket_expr().alias(bucket_column(indicator.id))
        for indicator in config.indicators
    )
    return Bucketed(config.version, staged.select(*KEY_SCHEMA, *STAGE_COLUMNS, *buckets))


def prepared(frame: pl.DataFrame | Bucketed, config: PointsConfig) -> pl.DataFrame:
    """The bucketed frame of a snapshot frame, or of one already bucketed with `config`."""
    if not isinstance(frame, Bucketed):
        return bucketed(frame, config).frame
    if frame.config_version != config.version:
        raise ValueError(f"buckets of configuration {frame.config_version}, not {config.version}")
    return frame.frame


def bucket_column(indicator_id: str) -> str:
    """The column of an indicator's raw bucket in a bucketed frame."""
    return f"_bucket.{indicator_id}"  # indicator ids have no dots, so no input column clashes


def counted(firms: pl.DataFrame, indicator: Indicator) -> pl.Series:
    """The bucket each firm is counted in for `indicator` (its missing treatment applied)."""
    return firms.select(indicator.counted(pl.col(bucket_column(indicator.id)))).to_series()
