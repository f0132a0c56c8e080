"""`kejin assess`: assess an enterprise file without a database, or the whole registry.

`kejin assess FILE` reads a file in the import format (docs/import-format.md) and writes one
result per valid enterprise as JSON (default) or CSV; refused records are listed on stderr and
make the exit status 1. `kejin assess --all` assesses the registry and stores the run, in this
process or (`--engine dask`) on a Dask cluster: the scheduler at `--scheduler` or
`$KEJIN_DASK_SCHEDULER`, else a local cluster started for the run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import click
import polars as pl
from rich.console import Console

from kejin.assessment import service
from kejin.assessment.dask_engine import SCHEDULER_ENV
from kejin.bootstrap import bootstrap
from kejin.core.errors import KejinError
from kejin.core.i18n import negotiate, translate
from kejin.core.progress import progress_bars

PROBLEMS_SHOWN = 50
RUN_LABELS = {"read": "reading snapshots", "assess": "assessing", "store": "storing results"}


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@click.command("assess")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--all", "whole", is_flag=True, help="Assess the whole registry and store the run.")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Evaluation date (default: today); it selects the rule-set versions in force.",
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
    help="Write the results here instead of standard output.",
)
@click.option(
    "--engine",
    type=click.Choice([engine.value for engine in service.Engine]),
    default=service.Engine.POLARS.value,
    show_default=True,
    help="With --all: polars assesses in this process; dask in partitions on a Dask cluster.",
)
@click.option(
    "--scheduler",
    envvar=SCHEDULER_ENV,
    help=f"With --engine dask: the scheduler's address (or ${SCHEDULER_ENV}); "
    "default: a local cluster of two worker processes.",
)
def assess_command(
    *,
    path: Path | None,
    whole: bool,
    on: dt.datetime | None,
    output_format: str,
    out: Path | None,
    engine: str,
    scheduler: str | None,
) -> None:
    """Assess the enterprises of PATH (import format), or the registry with --all."""
    if (path is None) == (not whole):
        raise click.UsageError("give either a file PATH or --all, not both")
    day = on.date() if on else _today()
    if whole:
        _assess_registry(day, service.Engine(engine), scheduler)
    else:
        assert path is not None
        _assess_file(path, day, output_format, out)


def _assess_registry(day: dt.date, engine: service.Engine, scheduler: str | None) -> None:
    platform = bootstrap()
    platform.migrate()
    console = Console(stderr=True)
    try:
        with progress_bars(console, RUN_LABELS) as progress:
            run = service.run_registry(
                platform.uow,
                day,
                started_by="cli",
                progress=progress,
                engine=engine,
                scheduler=scheduler,
            )
    except KejinError as error:
        raise click.ClickException(translate(_locale(), error.message, **error.params)) from error
    used = ", ".join(f"{code} {found['version']}" for code, found in run.rule_versions.items())
    console.print(
        f"run {run.id}: {run.enterprises:,} enterprises assessed as of {run.evaluated_on};"
        f" rule sets {used}"
    )
    platform.dispose()


def _assess_file(path: Path, day: dt.date, output_format: str, out: Path | None) -> None:
    found = service.assess_file(path, day)
    text = _as_csv(found.results) if output_format == "csv" else _as_json(found, day)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    locale = _locale()
    for problem in found.problems[:PROBLEMS_SHOWN]:
        reason = translate(locale, problem.reason, **problem.params)
        click.echo(f"{problem.row}: {problem.field}: {reason}", err=True)
    if found.rejected:
        raise SystemExit(1)


def _locale() -> str:
    return negotiate(os.environ.get("LANG", "").split(".")[0])


def _as_csv(results: pl.DataFrame) -> str:
    flat = results.with_columns(
        pl.col(name).list.join(";") for name, dtype in results.schema.items() if dtype == pl.List
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(flat.columns)
    writer.writerows(flat.rows())
    return buffer.getvalue()


def _as_json(found: service.FileAssessment, day: dt.date) -> str:
    document: dict[str, Any] = {
        "evaluated_on": day.isoformat(),
        "rule_versions": found.rule_versions,
        "config_versions": found.config_versions,
        "enterprises": [_enterprise(row, found.rule_versions) for row in found.results.to_dicts()],
        "rejected": found.rejected,
    }
    return json.dumps(document, ensure_ascii=False, indent=1, default=str) + "\n"


def _enterprise(row: dict[str, Any], standards: dict[str, object]) -> dict[str, Any]:
    return {
        "uscc": row["uscc"],
        "stage": row["stage"],
        "innovation_points": row["innovation_points"],
        "points_band": row["points_band"],
        "top_indicators": row["top_indicators"],
        "standards": {
            code: {
                "status": row[f"{code}.status"],
                "points": _points(row[f"{code}.low"], row[f"{code}.high"]),
            }
            for code in standards
        },
    }


def _points(low: object, high: object) -> object:
    if low is None:
        return None
    return [str(low), str(high)]


commands: list[click.Command] = [assess_command]
