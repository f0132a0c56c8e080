"""The `kejin` command: a thin shell that gathers each domain's commands.

Commands parse arguments, call `bootstrap()` and one service function, and print.
"""

from __future__ import annotations

import click

from kejin import __version__
from kejin.bootstrap import bootstrap
from kejin.documents import cli as documents_cli
from kejin.region import cli as region_cli
from kejin.registry import cli as registry_cli
from kejin.web import cli as web_cli


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


for module in (registry_cli, region_cli, documents_cli, web_cli):
    for command in module.commands:
        main.add_command(command)
