"""`kejin match`: match every firm of the registry against the live catalogue and store the run
(`--all`), or map the firms of an enterprise file without a database (`kejin match FILE`)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click
from rich.console import Console

from kejin.bootstrap import bootstrap
from kejin.core.errors import KejinError
from kejin.core.i18n import negotiate, translate
from kejin.core.progress import progress_bars
from kejin.matching import files, service

RUN_LABELS = {
    "read": "reading answers, loans and IP",
    "match": "matching",
    "store": "storing the run",
}


@click.command("match")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--all", "whole", is_flag=True, help="Match the whole registry and store the run.")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Matching date (default: the newest assessment run's date with --all, else today).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the maps here instead of standard output.",
)
def match_command(
    *, path: Path | None, whole: bool, on: dt.datetime | None, output_format: str, out: Path | None
) -> None:
    """Map the enterprises of PATH (import format) to products and policies, or the registry
    with --all."""
    if (path is None) == (not whole):
        raise click.UsageError("give either a file PATH or --all, not both")
    if whole:
        _match_registry(on.date() if on else None)
        return
    assert path is not None
    day = on.date() if on else dt.datetime.now(dt.UTC).date()
    found = files.match_file(path, day)
    text = files.as_csv(found) if output_format == "csv" else files.as_json(found)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    locale = _locale()
    for problem in found.problems:
        reason = translate(locale, problem.reason, **problem.params)
        click.echo(f"{problem.row}: {problem.field}: {reason}", err=True)
    if found.rejected:
        raise SystemExit(1)


def _match_registry(on: dt.date | None) -> None:
    platform = bootstrap()
    platform.migrate()
    console = Console(stderr=True)
    try:
        with progress_bars(console, RUN_LABELS) as progress:
            run = service.run_all(platform.uow, started_by="cli", on=on, progress=progress)
    except KejinError as error:
        raise click.ClickException(translate(_locale(), error.message, **error.params)) from error
    finally:
        platform.dispose()
    console.print(
        f"match run {run.id}: {run.enterprises:,} enterprises matched as of {run.evaluated_on}"
        f" (assessment run {run.assessment_run_id}, catalogue revision {run.catalogue_revision})"
    )


def _locale() -> str:
    return negotiate(os.environ.get("LANG", "").split(".")[0])


commands: list[click.Command] = [match_command]
