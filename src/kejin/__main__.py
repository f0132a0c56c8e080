"""Allow `python -m kejin` as an alias of the `kejin` command."""

from kejin.cli import run

run()
