"""The `kejin` command: a thin shell that gathers each domain's commands.

Commands parse arguments, call `bootstrap()` and one service function, and print.
"""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from kejin import __version__
from kejin.assessment import cli as assessment_cli
from kejin.audit import cli as audit_cli
from kejin.bootstrap import bootstrap
from kejin.briefs import cli as briefs_cli
from kejin.config import InsecureSettings
from kejin.core.progress import progress_bars
from kejin.credit import cli as credit_cli
from kejin.demo import STEP_LABELS, DemoReport, prepare_demo
from kejin.documents import cli as documents_cli
from kejin.feeds import cli as feeds_cli
from kejin.identity import cli as identity_cli
from kejin.matching import cli as matching_cli
from kejin.needs import cli as needs_cli
from kejin.products import cli as products_cli
from kejin.region import cli as region_cli
from kejin.region.cli import region_options
from kejin.registry import cli as registry_cli
from kejin.search import cli as search_cli
from kejin.topics import cli as topics_cli
from kejin.web import cli as web_cli
from kejin.web.cli import run_server, server_options


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kejin")
def main() -> None:
    """Kejin (科金) — technology-finance support system."""


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the database if needed and apply every migration (safe to repeat)."""
    platform = bootstrap()
    platform.migrate()
    click.echo(f"database at newest schema: {platform.engine.url.render_as_string()}")
    platform.dispose()


@main.command()
@region_options
@click.option("--serve/--no-serve", default=True, help="Serve the web app when ready.")
@server_options
def demo(enterprises: int, seed: int, serve: bool, host: str, port: int) -> None:
    """Build the database, the demo region and the document library, then serve the app.

    Safe to re-run: enterprises are upserted by credit code, documents already stored are
    skipped and the demo loan history is replaced as a whole.
    """
    console = Console(stderr=True)
    platform = bootstrap()
    if platform.settings.env == "production":
        raise click.ClickException("kejin demo seeds published passwords; not in production")
    console.print(f"database: {platform.engine.url.render_as_string()}")
    with progress_bars(console, STEP_LABELS) as progress:
        report = prepare_demo(platform, enterprises, seed, progress)
    _print_demo_report(console, report)
    if serve:
        run_server(platform, host, port)
    platform.dispose()


def _print_demo_report(console: Console, report: DemoReport) -> None:
    counts = report.region.enterprises
    console.print(
        f"enterprises: {counts.inserted:,} new, {counts.updated:,} updated, "
        f"{counts.unchanged:,} unchanged; loans: {report.region.loans:,}"
    )
    run = report.assessment
    console.print(
        f"assessment: run {run.id} of {run.evaluated_on}, {run.enterprises:,} enterprises"
    )
    model = report.credit_model
    console.print(
        f"credit model in service: {model.directory}"
        + ("" if model.trained else " (already trained on this loan history)")
    )
    for name, loaded in report.documents.items():
        outcome = loaded.outcome
        console.print(
            f"{name}: {outcome.added:,} documents added, "
            f"{outcome.skipped_existing:,} already present"
        )
    topic = report.topic
    console.print(f"topic {topic.slug}: {topic.documents:,} documents, {topic.added:,} new")
    table = Table(title="Demo accounts (sign in at /login)")
    for column in ("login", "role", "password"):
        table.add_column(column)
    for account in report.accounts.accounts:
        table.add_row(account.login, account.role.value, account.password)
    console.print(table)


for module in (
    registry_cli,
    region_cli,
    documents_cli,
    web_cli,
    audit_cli,
    identity_cli,
    feeds_cli,
    assessment_cli,
    products_cli,
    needs_cli,
    matching_cli,
    credit_cli,
):
    for command in module.commands:
        main.add_command(command)
documents_cli.docs.add_command(briefs_cli.brief)
for command in (*search_cli.commands, *topics_cli.commands):
    documents_cli.docs.add_command(command)


def run() -> None:
    """The console entry point: a configuration that must not run ends with one clear line."""
    try:
        main()
    except InsecureSettings as error:
        click.echo(f"kejin: {error}", err=True)
        raise SystemExit(2) from None
