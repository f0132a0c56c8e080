"""Commands of the registry package, registered on the `kejin` group by `kejin.cli`.

`kejin import enterprises PATH` imports a `.jsonl` file, an `.xlsx` workbook or a directory of
CSV files (docs/import-format.md). Exit status: 0 when every record was stored or unchanged,
1 when some records were refused (the good ones are stored all the same).
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress

from kejin.bootstrap import bootstrap
from kejin.core.errors import FieldProblem
from kejin.core.i18n import negotiate, translate
from kejin.registry.imports import CHUNK_SIZE, ImportReport, import_enterprises
from kejin.registry.readers import count_records

PROBLEMS_SHOWN = 50


@click.group("import")
def import_group() -> None:
    """Import data from files."""


@import_group.command("enterprises")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--errors-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every problem to this file (.csv or .json).",
)
@click.option("--chunk-size", default=CHUNK_SIZE, show_default=True, type=click.IntRange(1))
def import_enterprises_command(path: Path, errors_out: Path | None, chunk_size: int) -> None:
    """Import enterprises from a .jsonl file, an .xlsx workbook or a directory of CSV files."""
    platform = bootstrap()
    platform.migrate()
    locale = negotiate(os.environ.get("LANG", "").split(".")[0])
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(translate(locale, "importing"), total=count_records(path))
        report = import_enterprises(
            platform.uow(), path, chunk_size=chunk_size, progress=lambda n: bar.advance(task, n)
        )
    _print_report(report, locale)
    if errors_out:
        _write_problems(report.problems, errors_out, locale)
    platform.dispose()
    if report.rejected:
        raise SystemExit(1)


def _print_report(report: ImportReport, locale: str) -> None:
    summary = "inserted {inserted}, updated {updated}, unchanged {unchanged}, rejected {rejected}"
    click.echo(
        translate(
            locale,
            summary,
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
        )
    )
    for problem in report.problems[:PROBLEMS_SHOWN]:
        click.echo(f"{problem.row}: {problem.field}: {_reason(problem, locale)}", err=True)
    if len(report.problems) > PROBLEMS_SHOWN:
        more = translate(
            locale, "… and {count} more problems", count=len(report.problems) - PROBLEMS_SHOWN
        )
        click.echo(more, err=True)


def _reason(problem: FieldProblem, locale: str) -> str:
    return translate(locale, problem.reason, **problem.params)


def _write_problems(problems: list[FieldProblem], path: Path, locale: str) -> None:
    rows = [{"row": p.row, "field": p.field, "reason": _reason(p, locale)} for p in problems]
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["row", "field", "reason"])
        writer.writeheader()
        writer.writerows(rows)


commands: list[click.Command] = [import_group]
