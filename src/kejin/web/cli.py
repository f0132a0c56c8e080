"""Commands of the web package, registered on the `kejin` group by `kejin.cli`."""

from __future__ import annotations

import click

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@click.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="interface to listen on")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="TCP port")
def serve(host: str, port: int) -> None:
    """Serve the web app and JSON API over an existing (or new, empty) database."""
    import uvicorn  # noqa: PLC0415 - only the serving command needs the server

    from kejin.bootstrap import bootstrap  # noqa: PLC0415 - keeps `kejin --help` fast
    from kejin.web.app import create_app  # noqa: PLC0415

    platform = bootstrap()
    platform.migrate()
    click.echo(f"Kejin at http://{host}:{port}/  (API docs at /docs)")
    uvicorn.run(create_app(platform), host=host, port=port, log_level="info")


commands: list[click.Command] = [serve]
