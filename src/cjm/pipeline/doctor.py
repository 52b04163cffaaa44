"""The doctor stage: what cjm runs on, and whether anything is missing.

Prints the versions of cjm, Python and the libraries it uses, whether
ruamel.yaml's C parser is there (required: the loader is built on it), whether
Graphviz ``dot`` (for ``-f flow``) and Chromium (for cjm's own browser
tests) are found, the bundled font, what draws ``-f png`` (resvg-py) and
``-f pdf`` (rsvg-convert, else vl-convert-python), and the project
configuration in use.

Exit codes: 0 all required parts are present (optional ones may be missing:
they are reported as warnings); 2 the cjm.yaml in use is broken; 3 something
required is missing.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

from cjm.diagnostics.exits import ExitCode

LIBRARIES = ("typer", "rich", "pydantic", "ruamel.yaml", "ruamel.yaml.clib", "jinja2", "graphviz", "fonttools",
             "resvg-py", "vl-convert-python", "pypdf")
# only some formats need them: -f flow (graphviz), -f png (resvg-py), -f pdf without rsvg-convert (vl-convert, pypdf)
OPTIONAL_LIBRARIES = ("graphviz", "resvg-py", "vl-convert-python", "pypdf")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def _version_of(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _c_parser() -> tuple[bool, str]:
    try:
        from _ruamel_yaml import CParser  # noqa: F401
    except ImportError as exc:
        return False, f"not available ({exc}); pip install ruamel.yaml.clib"
    return True, "present"


def _tool_version(exe: str, args: list[str]) -> str:
    try:
        proc = subprocess.run([exe, *args], capture_output=True, timeout=20,
                              env={**os.environ, "LC_ALL": "C"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"found, but `{Path(exe).name} {' '.join(args)}` failed: {exc}"
    text = (proc.stdout or proc.stderr).decode("utf-8", "replace").strip().splitlines()
    return text[0].strip() if text else "found (no version printed)"


def _find_chromium() -> str | None:
    for env in ("CJM_CHROMIUM", "CHROME_PATH"):
        value = os.environ.get(env)
        if value and Path(value).is_file():
            return value
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def collect(config: Optional[Path] = None) -> tuple[list[dict], int]:
    """The checks, each {name, status: ok|warning|missing|error, detail}, and the exit code."""
    from cjm import __version__

    checks: list[dict] = [
        {"name": "cjm", "status": "ok", "detail": __version__},
        {"name": "python", "status": "ok",
         "detail": f"{platform.python_version()} ({platform.python_implementation()}, {sys.executable})"},
    ]
    for lib in LIBRARIES:
        v = _version_of(lib)
        required = lib not in OPTIONAL_LIBRARIES
        checks.append({"name": lib, "status": "ok" if v else ("missing" if required else "warning"),
                       "detail": v or "not installed"})
    ok, detail = _c_parser()
    checks.append({"name": "ruamel C parser", "status": "ok" if ok else "missing", "detail": detail})

    dot = shutil.which("dot")
    checks.append({"name": "graphviz dot", "status": "ok" if dot else "warning",
                   "detail": f"{_tool_version(dot, ['-V'])} ({dot})" if dot else
                   "not found: `cjm render -f flow` needs it (apt install graphviz / brew install graphviz)"})
    checks.append(_font_check())
    png = _version_of("resvg-py")
    checks.append({"name": "png", "status": "ok" if png else "warning",
                   "detail": f"resvg-py {png}: `cjm render -f png` draws without a browser" if png else
                   "resvg-py not installed: `cjm render -f png` needs it (pip install resvg-py)"})
    checks.append(_pdf_check())
    chromium = _find_chromium()
    checks.append({"name": "chromium", "status": "ok" if chromium else "warning",
                   "detail": f"{_tool_version(chromium, ['--version'])} ({chromium})" if chromium else
                   "not found: only needed for cjm's own browser tests (apt install chromium)"})

    code = ExitCode.ENVIRONMENT if any(c["status"] == "missing" for c in checks) else ExitCode.OK
    checks.append(_config_check(config))
    if checks[-1]["status"] == "error" and code == ExitCode.OK:
        code = ExitCode.USAGE
    return checks, code


def _font_check() -> dict:
    """The bundled font (Noto Sans, with its licence) that every picture is measured and drawn with."""
    from cjm.render import fonts

    missing = [p for p in [*fonts.font_files(), str(fonts.font_dir() / fonts.LICENCE)] if not Path(p).is_file()]
    if missing:
        return {"name": "font", "status": "missing", "detail": f"bundled font files missing: {', '.join(missing)}"}
    return {"name": "font", "status": "ok",
            "detail": f"{fonts.FAMILY} (regular, bold, italic; SIL OFL 1.1) in {fonts.font_dir()}"}


def _pdf_check() -> dict:
    """Which engine `-f pdf` uses here (cjm.render.pdf.engine)."""
    rsvg = shutil.which("rsvg-convert")
    vl = _version_of("vl-convert-python")
    forced = os.environ.get("CJM_PDF_ENGINE", "").strip().lower()
    if (rsvg and forced != "vl-convert") or (forced == "rsvg" and rsvg):
        return {"name": "pdf", "status": "ok",
                "detail": f"{_tool_version(rsvg, ['--version'])} ({rsvg}): reproducible PDFs"}
    if vl:
        return {"name": "pdf", "status": "ok" if not forced or forced == "vl-convert" else "warning",
                "detail": f"vl-convert-python {vl} (install librsvg2-bin for faster PDFs with the same bytes "
                          "on every run)"}
    return {"name": "pdf", "status": "warning",
            "detail": "no PDF engine: `cjm render -f pdf` needs rsvg-convert (apt install librsvg2-bin) or "
                      "pip install vl-convert-python"}


def _config_check(config: Optional[Path]) -> dict:
    from cjm.diagnostics.errors import ConfigError
    from cjm.pipeline.inputs import display_path
    from cjm.pipeline.project import find_config, load_project

    path = config or find_config(Path.cwd())
    if path is None:
        return {"name": "config", "status": "ok", "detail": "none (no cjm.yaml here or above; maps are named "
                "on the command line)"}
    if not Path(path).is_file():
        return {"name": "config", "status": "error", "detail": f"{path}: no such file"}
    shown = display_path(Path(path))
    try:
        project = load_project(Path(path).resolve())
        maps, catalogs = len(project.map_files()), len(project.catalog_files())
    except ConfigError as exc:
        first = exc.findings[0]
        return {"name": "config", "status": "error", "detail": f"{first.span}: {first.message}"}
    except ImportError:  # the loader needs ruamel's C parser, reported above
        return {"name": "config", "status": "warning", "detail": f"{shown}: not checked: the C parser is missing"}
    return {"name": "config", "status": "ok",
            "detail": f"{shown}: {maps} map{'s' if maps != 1 else ''}, "
                      f"{catalogs} catalogue{'s' if catalogs != 1 else ''}"}
