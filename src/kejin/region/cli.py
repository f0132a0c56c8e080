"""Commands of the region package, registered on the `kejin` group by `kejin.cli`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from kejin.bootstrap import bootstrap
from kejin.core.progress import progress_bars
from kejin.region import calibration as cal
from kejin.region import service

STEP_LABELS = {
    "generate": "Generating enterprises",
    "store": "Storing in the database",
    "write": "Writing JSON Lines",
}


@click.group()
def region() -> None:
    """The demo region (示范园区): a synthetic high-tech zone."""


def region_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--enterprises` and `--seed`, shared by every command that builds the region."""
    command = click.option(
        "--seed",
        type=int,
        default=cal.DEFAULT_SEED,
        show_default=True,
        help="Random seed; the same seed gives the same region.",
    )(command)
    return click.option(
        "--enterprises",
        type=click.IntRange(1, cal.MAX_ENTERPRISES),
        default=cal.DEFAULT_ENTERPRISES,
        show_default=True,
        help="Number of enterprises.",
    )(command)


@region.command()
@region_options
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
    with progress_bars(console, STEP_LABELS) as report:
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
