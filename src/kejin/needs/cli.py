"""Commands of the needs package: `kejin needs sweep` (lapse and expire what ran out of time;
run it from a scheduler, e.g. every hour)."""

from __future__ import annotations

import click

from kejin.bootstrap import bootstrap
from kejin.needs import service


@click.group("needs")
def needs() -> None:
    """Financing needs, pick-ups and offers."""


@needs.command("sweep")
def sweep() -> None:
    """Lapse pick-ups and offers past their deadlines and expire needs nobody picked up."""
    platform = bootstrap()
    try:
        report = service.sweep(platform.uow)
    finally:
        platform.dispose()
    click.echo(
        f"lapsed pick-ups {report.lapsed_pickups}, expired offers {report.expired_offers}, "
        f"expired needs {report.expired_needs}"
    )


commands: list[click.Command] = [needs]
