"""Allow `python -m kejin` as an alias of the `kejin` command."""

from kejin.cli import run

# Guarded: the import's worker processes re-import this module and must not run the CLI.
if __name__ == "__main__":
    run()
