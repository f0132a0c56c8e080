"""Commands of the identity package: `kejin users create-admin` and `kejin users list`.

The first platform admin can only come from here; everyone else is invited or signs up.
The password is asked for on the terminal (never an argument, so it stays out of shell history).
"""

from __future__ import annotations

import click

from kejin.bootstrap import bootstrap
from kejin.core.errors import KejinError
from kejin.identity import service


@click.group("users")
def users() -> None:
    """Accounts of people using the platform."""


@users.command("create-admin")
@click.argument("login")
@click.option("--name", "display_name", default="Platform admin", show_default=True)
@click.password_option(help="At least 10 characters; asked for when not given.")
def create_admin(login: str, display_name: str, password: str) -> None:
    """Create a platform admin (平台管理员) of the platform operator."""
    platform = bootstrap()
    platform.migrate()
    try:
        user = service.create_platform_admin(platform.uow, login, display_name, password)
    except KejinError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        platform.dispose()
    click.echo(f"platform admin {user.login} created (id {user.id})")


@users.command("list")
def list_users() -> None:
    """Every account with its role and status."""
    platform = bootstrap()
    for user in service.all_users(platform.uow):
        status = "active" if user.active else "deactivated"
        click.echo(f"{user.id:>5}  {user.login:<30} {user.role.value:<20} {status}")
    platform.dispose()


commands: list[click.Command] = [users]
