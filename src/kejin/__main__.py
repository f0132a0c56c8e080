"""Allow `python -m kejin` as an alias of the `kejin` command."""

from kejin.cli import main

if __name__ == "__main__":  # worker processes (imports) re-import this module without running it
    main()
