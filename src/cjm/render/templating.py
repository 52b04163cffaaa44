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
- A user's template that fails while it renders ({{ 1 / 0 }}) is the user's
  to fix: ``render_template`` raises a ``TemplateError`` (exit 2) naming the
  file and line. A failure inside one of cjm's own templates stays a bug.
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
    template = environment(template_dir).get_template(name)
    if template_dir is None:
        return template.render(**context)
    try:
        return template.render(**context)
    except Exception as exc:
        problem = _user_template_problem(exc, template_dir)
        if problem is None:
            raise  # failed in one of cjm's own templates, or outside any: a bug in cjm
        from cjm.diagnostics.errors import TemplateError

        raise TemplateError(problem) from None


def _user_template_problem(exc: Exception, template_dir: Path) -> str | None:
    """What to tell the user when rendering with their template folder failed
    at run time ({{ 1 / 0 }}, {{ 'a' + 1 }}, an undefined name), or None when
    the failure is not theirs.

    jinja2 rewrites a traceback so that each template being rendered is a
    frame named after its file, at the template's line. The innermost
    template frame is where it failed: when that file is in the user's
    folder, the user's template and line are named; when it is one of cjm's
    own templates (which an override may include), it is a bug in cjm and
    stays one. A syntax error is left to the caller, which already names its
    file and line."""
    import os

    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SecurityError

    if isinstance(exc, TemplateSyntaxError):
        return None
    user = os.path.realpath(template_dir)
    ours = os.path.realpath(Path(__file__).resolve().parent.parent / "templates")
    where: tuple[str, int] | None = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        real = os.path.realpath(filename) if os.path.isabs(filename) else ""
        if real.startswith(user + os.sep):
            where = (filename, tb.tb_lineno)
        elif real.startswith(ours + os.sep):
            where = None
        tb = tb.tb_next
    if where is None:
        return None
    kind = "unsafe template" if isinstance(exc, SecurityError) else "template error"
    what = str(exc) if type(exc).__module__.startswith("jinja2") else f"{type(exc).__name__}: {exc}"
    return f"{kind}: {where[0]}:{where[1]}: {what}"
