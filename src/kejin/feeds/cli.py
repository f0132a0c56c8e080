"""`kejin feeds import DEPARTMENT FILE` and `kejin feeds conflicts [USCC]`.

Import exit status: 0 when every row was accepted, 1 when some rows were refused (the good
ones are stored all the same), 2 when the file was refused whole.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from kejin.bootstrap import bootstrap
from kejin.core.errors import FieldProblem, KejinError
from kejin.core.i18n import N_, negotiate, translate
from kejin.feeds.model import Department, FeedReport
from kejin.feeds.schemas import FieldComparisonRead
from kejin.feeds.service import all_conflicts, import_feed, reported_values

PROBLEMS_SHOWN = 50


def _locale() -> str:
    return negotiate(os.environ.get("LANG", "").split(".")[0])


@click.group("feeds")
def feeds_group() -> None:
    """Department feeds: tax bureau, social security, IP office, market regulator."""


@feeds_group.command("import")
@click.argument("department", type=click.Choice([d.value for d in Department]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(department: str, path: Path) -> None:
    """Import one department file (CSV, UTF-8, header row; see docs/feeds.md)."""
    platform = bootstrap()
    platform.migrate()
    locale = _locale()
    try:
        report = import_feed(platform.uow, Department(department), path)
    except KejinError as error:
        _print_refusal(error, locale)
        raise SystemExit(2) from None
    finally:
        platform.dispose()
    _print_report(report, locale)
    if report.rejected:
        raise SystemExit(1)


def _print_refusal(error: KejinError, locale: str) -> None:
    click.echo(translate(locale, error.message, **error.params), err=True)
    for problem in getattr(error, "problems", []):
        click.echo(f"{problem.field}: {_reason(problem, locale)}", err=True)


def _print_report(report: FeedReport, locale: str) -> None:
    if report.already_imported:
        message = N_("{file} was imported before as batch {batch}; nothing changed")
        click.echo(translate(locale, message, file=report.file_name, batch=report.batch_id))
        return
    summary = N_("batch {batch}: accepted {accepted}, rejected {rejected}")
    click.echo(
        translate(
            locale,
            summary,
            batch=report.batch_id,
            accepted=report.accepted,
            rejected=report.rejected,
        )
    )
    for outcome, count in sorted(report.outcomes.items()):
        click.echo(f"  {outcome.value}: {count}")
    for problem in report.problems[:PROBLEMS_SHOWN]:
        click.echo(f"{problem.row}: {problem.field}: {_reason(problem, locale)}", err=True)
    if len(report.problems) > PROBLEMS_SHOWN:
        more = len(report.problems) - PROBLEMS_SHOWN
        click.echo(translate(locale, "… and {count} more problems", count=more), err=True)


def _reason(problem: FieldProblem, locale: str) -> str:
    return translate(locale, problem.reason, **problem.params)


@feeds_group.command("conflicts")
@click.argument("uscc", required=False)
def conflicts_command(uscc: str | None) -> None:
    """Fields whose sources disagree: of one enterprise, or of every enterprise."""
    platform = bootstrap()
    locale = _locale()
    try:
        if uscc:
            found = reported_values(platform.uow, uscc)
            listing = [(found.uscc, "", [f for f in found.fields if f.conflict])]
        else:
            listing = [
                (e.uscc, e.name, [FieldComparisonRead.model_validate(c) for c in e.conflicts])
                for e in all_conflicts(platform.uow)
            ]
    except KejinError as error:
        _print_refusal(error, locale)
        raise SystemExit(2) from None
    finally:
        platform.dispose()
    for code, name, fields in listing:
        _print_conflicts(code, name, fields)
    if not any(fields for _, _, fields in listing):
        click.echo(translate(locale, "no conflicts"))


def _print_conflicts(code: str, name: str, fields: list[FieldComparisonRead]) -> None:
    if not fields:
        return
    click.echo(f"{code} {name}".rstrip())
    for field in fields:
        values = " | ".join(
            f"{v.source}{'*' if v.in_registry else ''}={v.value} ({v.as_of.isoformat()})"
            for v in field.values
        )
        where = f"{field.field} {field.period}".rstrip()
        click.echo(f"  {where}: {values}")


commands: list[click.Command] = [feeds_group]
