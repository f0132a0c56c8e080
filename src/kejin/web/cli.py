"""Commands of the web package, registered on the `kejin` group by `kejin.cli`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
import uvicorn

from kejin.bootstrap import Platform, bootstrap
from kejin.web.app import create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def server_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The `--host` / `--port` options of every command that serves the app."""
    command = click.option(
        "--port",
        default=DEFAULT_PORT,
        show_default=True,
        type=click.IntRange(1, 65535),
        help="TCP port",
    )(command)
    return click.option(
        "--host", default=DEFAULT_HOST, show_default=True, help="interface to listen on"
    )(command)


def run_server(platform: Platform, host: str, port: int) -> None:
    """Serve the web app and JSON API until interrupted."""
    click.echo(f"Kejin at http://{host}:{port}/  (API docs at /docs)")
    uvicorn.run(create_app(platform), host=host, port=port, log_level="info")


@click.command("serve")
@server_options
def serve(host: str, port: int) -> None:
    """Serve the web app and JSON API over an existing (or new, empty) database."""
    platform = bootstrap()
    platform.migrate()
    run_server(platform, host, port)


commands: list[click.Command] = [serve]
