"""The console entry point (``cjm`` and ``python -m cjm``).

Two things make the command start and stop quickly, which matters because it
runs in pre-commit on every commit:

- ``cjm --version`` is answered before anything heavy is imported;
- when the command is done, the process ends with ``os._exit`` once stdout and
  stderr are flushed, instead of tearing down every module and object it
  loaded (~50 ms for the typer + pydantic + jinja2 stack). Every file cjm
  writes is closed (and fsynced) before that point: writes go through
  ``cjm.infra.files``, and the caches write whole files the same way.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from cjm import __version__

        sys.stdout.write(f"cjm {__version__}\n")
        return
    from cjm.cli.app import run

    try:
        code = run(sys.argv[1:])
    except SystemExit as exc:  # typer's completion scripts exit on their own
        code = _exit_code(exc.code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass  # the reader went away (`cjm ... | head`): nothing more to say
    os._exit(code)


def _exit_code(value: object) -> int:
    """As the interpreter turns ``SystemExit.code`` into a status."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    sys.stderr.write(f"{value}\n")
    return 1
