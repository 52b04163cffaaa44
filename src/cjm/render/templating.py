"""The one jinja2 environment every template-based renderer uses.

- Templates ship inside the package (``cjm/templates``); a user overrides any
  one by giving a folder (``--template-dir`` or ``render.template_dir``) that
  holds a file of the same name.
- Autoescaping is on for every template except the Markdown and Mermaid ones
  (``*.md.j2``, ``*.mmd.j2``), which escape with their own filters: HTML, SVG
  and XML templates are escaped whatever their suffix, and a user's override
  cannot turn that off by naming the file differently.
- Map text only ever reaches templates as values, never as template source.
- Templates from a user's folder run in jinja2's sandbox: a template folder
  can come from a pull request that CI renders, so it must not reach Python
  internals. cjm's own templates run unsandboxed, which renders ~2x faster
  (the sandbox checks every attribute access).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

UNESCAPED_SUFFIXES = (".md.j2", ".mmd.j2")


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith(UNESCAPED_SUFFIXES)


def _bytecode_cache(flavour: str):
    """Compiled templates are kept between runs (compiling costs ~130 ms a run;
    loading cached bytecode ~3 ms). jinja2 checks each template's source
    checksum and its own version, so an edited or overridden template is never
    served stale. ``CJM_NO_CACHE=1`` turns it off; so does an unwritable folder."""
    import os

    from jinja2 import FileSystemBytecodeCache

    from cjm.infra.cache import cache_dir

    # Sandboxed and plain environments compile to different code (the sandbox
    # routes calls through environment.call), so they never share a folder.
    folder = cache_dir("jinja2", flavour)
    if folder is None:
        return None
    try:
        os.makedirs(folder, exist_ok=True)
        if not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return FileSystemBytecodeCache(folder)


@lru_cache(maxsize=8)
def environment(template_dir: Path | None = None):
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

    loaders = []
    kind = Environment
    if template_dir is not None:
        from jinja2.sandbox import SandboxedEnvironment

        loaders.append(FileSystemLoader(str(template_dir)))
        kind = SandboxedEnvironment
    loaders.append(PackageLoader("cjm", "templates"))
    env = kind(
        loader=ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(kind.__name__),
    )
    from cjm.present.escape import FILTERS

    env.filters.update(FILTERS)
    return env


def render_template(name: str, template_dir: Path | None = None, **context) -> str:
    return environment(template_dir).get_template(name).render(**context)
