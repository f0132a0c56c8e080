"""Commands of the registry package, registered on the `kejin` group by `kejin.cli`."""

from __future__ import annotations

import click

commands: list[click.Command] = []
