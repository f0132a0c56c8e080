"""Training data: reading a file with Polars, encoding the binary target,
a seeded split and seeded cross-validation folds."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import polars as pl

from kejin.credit.errors import TargetNotBinary, TooFewForFolds, UnreadableData

EVENT = "__event__"


@dataclasses.dataclass(frozen=True, slots=True)
class Split:
    """Row indexes of the training, validation and test parts."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray

    def parts(self) -> dict[str, np.ndarray]:
        return {"train": self.train, "validation": self.validation, "test": self.test}


def read_table(path: Path) -> pl.DataFrame:
    """A CSV or Parquet file as a Polars frame (the format from the file's suffix)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableData("no data file at {path}", path=str(path))
    if suffix == ".parquet":
        return pl.read_parquet(path)
    if suffix in {".csv", ".txt"}:
        return pl.read_csv(path, infer_schema_length=10_000, null_values=["", "NA"])
    raise UnreadableData("unknown data format {suffix}: use CSV or Parquet", suffix=suffix)


def event_of(frame: pl.DataFrame, target: str, event: str | None) -> str:
    """The target's value that is the event (the bad outcome), checking the target is binary.

    Without `event`, the target must be 0/1 (or true/false) and 1 (true) is the event.
    """
    if target not in frame.columns:
        raise TargetNotBinary("no target column {target}", target=target)
    column = frame[target]
    # spelt as `event_indicator` compares them (a Boolean column casts to "true"/"false")
    values = sorted(column.drop_nulls().unique().cast(pl.String).to_list())
    if len(values) != 2 or column.null_count():
        raise TargetNotBinary("the target {target} must hold two outcomes", target=target)
    if event is None:
        if values not in (["0", "1"], ["false", "true"]):
            raise TargetNotBinary("name the event outcome of {target}", target=target)
        event = values[1]
    if event not in values:
        raise TargetNotBinary("the target {target} never holds {event}", target=target, event=event)
    return event


def event_indicator(frame: pl.DataFrame, target: str, event: str | None) -> pl.Series:
    """1 where the target holds the event (see `event_of`), else 0."""
    value = event_of(frame, target, event)
    return (frame[target].cast(pl.String) == value).cast(pl.Int8).alias(EVENT)


def stratified_split(events: np.ndarray, fractions: tuple[float, float, float], seed: int) -> Split:
    """A seeded split that keeps the event rate in every part."""
    rng = np.random.default_rng(seed)
    parts: tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]] = ([], [], [])
    for outcome in (0, 1):
        rows = rng.permutation(np.flatnonzero(events == outcome))
        first = round(len(rows) * fractions[0])
        second = first + round(len(rows) * fractions[1])
        for part, chunk in zip(
            parts, (rows[:first], rows[first:second], rows[second:]), strict=True
        ):
            part.append(chunk)
    train, validation, test = (np.sort(np.concatenate(p)) for p in parts)
    return Split(train=train, validation=validation, test=test)


def stratified_folds(
    events: np.ndarray, rows: np.ndarray, folds: int, seed: int
) -> list[np.ndarray]:
    """`rows` dealt into `folds` parts that keep the event rate: each outcome's rows are
    shuffled by a seeded generator and dealt in turn, continuing where the other left off."""
    parts: list[list[np.ndarray]] = [[] for _ in range(folds)]
    rng = np.random.default_rng([seed, folds])
    dealt = 0
    for outcome in (0, 1):
        chosen = rng.permutation(rows[events[rows] == outcome])
        if len(chosen) < folds:
            raise TooFewForFolds(
                "{rows} rows of one outcome cannot fill {folds} folds",
                rows=len(chosen),
                folds=folds,
            )
        labels = (dealt + np.arange(len(chosen))) % folds
        for fold, part in enumerate(parts):
            part.append(chosen[labels == fold])
        dealt += len(chosen)
    return [np.sort(np.concatenate(part)) for part in parts]


def fingerprint(frame: pl.DataFrame) -> str:
    """A SHA-256 of the data's CSV rendering: the same table gives the same fingerprint."""
    return "sha256:" + hashlib.sha256(frame.write_csv().encode()).hexdigest()
