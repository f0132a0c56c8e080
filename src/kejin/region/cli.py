"""Commands of the region package, registered on the `kejin` group by `kejin.cli`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from kejin.bootstrap import bootstrap
from kejin.region import calibration as cal
from kejin.region import service

STEP_LABELS = {
    "generate": "Generating enterprises",
    "store": "Storing in the database",
    "write": "Writing JSON Lines",
}


@contextmanager
def progress_bars(console: Console) -> Iterator[service.Progress]:
    """A rich progress display; yields the callback the service reports to."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bars.add_task(STEP_LABELS[step], total=total)
            bars.update(tasks[step], completed=done)

        yield report


@click.group()
def region() -> None:
    """The demo region (示范园区): a synthetic high-tech zone."""


@region.command()
@click.option(
    "--enterprises",
    type=click.IntRange(1, cal.MAX_ENTERPRISES),
    default=cal.DEFAULT_ENTERPRISES,
    show_default=True,
    help="Number of enterprises.",
)
@click.option(
    "--seed",
    type=int,
    default=cal.DEFAULT_SEED,
    show_default=True,
    help="Random seed; the same seed gives the same region.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=cal.DEFAULT_AS_OF.isoformat(),
    show_default=True,
    help="The date the data describes.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write JSON Lines in the import format instead of storing in the database.",
)
def generate(enterprises: int, seed: int, as_of: datetime, out: Path | None) -> None:
    """Generate the demo region into the database, or into a JSON Lines file with --out."""
    console = Console(stderr=True)
    day = as_of.date()
    with progress_bars(console) as report:
        if out is not None:
            lines = service.write_demo_region(out, enterprises, seed, day, report)
            console.print(f"{lines} enterprises written to {out}")
            return
        platform = bootstrap()
        platform.migrate()
        built = service.build_demo_region(platform, enterprises, seed, day, report)
    counts = built.enterprises
    console.print(
        f"enterprises: {counts.inserted} inserted, {counts.updated} updated, "
        f"{counts.unchanged} unchanged; loans: {built.loans}"
    )


commands: list[click.Command] = [region]
