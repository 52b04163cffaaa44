"""The console entry point: answers ``cjm --version`` before anything heavy is
imported (it runs in pre-commit and in scripts that check the version), and
hands everything else to the typer application in ``cjm.cli``."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from cjm import __version__

        sys.stdout.write(f"cjm {__version__}\n")
        return
    from cjm.cli import main as cli_main

    cli_main()
