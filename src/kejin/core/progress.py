"""Progress reporting for long work: one callback shape for every service, one display.

A service reports `(step, done, total)` — a step name, units done and units in total (`None`
while unknown) — and knows nothing of terminals; the CLI turns the calls into rich bars.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

ProgressCallback = Callable[[str, int, int | None], None]


def no_progress(step: str, done: int, total: int | None) -> None:
    """The callback for callers that don't watch progress."""


@contextmanager
def progress_bars(
    console: Console, labels: Mapping[str, str] | None = None, *, transient: bool = False
) -> Iterator[ProgressCallback]:
    """A rich display with one bar per step, labelled from `labels` (else the step name)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=transient) as bars:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int | None) -> None:
            if step not in tasks:
                label = (labels or {}).get(step, step)
                tasks[step] = bars.add_task(label, total=total)
            bars.update(tasks[step], completed=done, total=total)

        yield report


def scoped(progress: ProgressCallback, scope: str) -> ProgressCallback:
    """Report each step as `scope/step`, so several services can share one display."""

    def report(step: str, done: int, total: int | None) -> None:
        progress(f"{scope}/{step}", done, total)

    return report
