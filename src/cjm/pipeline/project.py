"""Projects: finding ``cjm.yaml`` (or ``[tool.cjm]``), checking it like a map,
and listing the files that belong to it.

The config goes through the same loader as a map (positions, limits, hostile
input), then its model, then the choices only the registries know: formats,
lanes, themes, rules and rule options (``cjm.pipeline.choices``). Every
problem is a finding at file:line:column with a suggestion; a broken config
stops the run with exit code 2.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cjm.diagnostics import Finding
from cjm.diagnostics.codes import CONFIG
from cjm.diagnostics.errors import ConfigError
from cjm.locations import PositionIndex, Span

CONFIG_NAMES = ("cjm.yaml", "cjm.yml")
YAML_SUFFIXES = (".yaml", ".yml")
# Folders never searched for maps: tools' caches, virtualenvs, dependencies.
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
MAX_CONFIG_BYTES = 1024 * 1024


@dataclass
class Project:
    root: Path
    config: Any  # ProjectConfig
    config_file: Path | None = None
    levels: dict[str, str] = field(default_factory=dict)  # rule code -> level, from the config
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule code -> its options, validated
    _maps: list[Path] | None = field(default=None, repr=False)
    _catalogs: list[Path] | None = field(default=None, repr=False)
    _owned: set[Path] | None = field(default=None, repr=False)

    def _walk(self, patterns: list[str]) -> list[Path]:
        regexes = [glob_to_regex(p) for p in patterns]
        excludes = [glob_to_regex(p) for p in self.config.exclude]
        out_dir = self.config.render.out.strip("/")
        found = []
        for rel in walk_yaml(self.root):
            if rel in CONFIG_NAMES or any(x.match(rel) for x in excludes):
                continue
            if out_dir and (rel + "/").startswith(out_dir + "/"):
                continue
            if any(r.match(rel) for r in regexes):
                found.append(self.root / rel)
        return found

    def catalog_files(self) -> list[Path]:
        if self._catalogs is None:
            self._catalogs = self._walk(self.config.catalogs) if self.config.catalogs else []
        return self._catalogs

    def map_files(self) -> list[Path]:
        if self._maps is None:
            catalogs = set(self.catalog_files())
            self._maps = [p for p in self._walk(self.config.maps) if p not in catalogs]
        return self._maps

    def owns(self, path: Path) -> bool:
        if self._owned is None:
            self._owned = {safe_resolve(p) for p in self.map_files() + self.catalog_files()}
        return safe_resolve(path) in self._owned

    @property
    def fail_level(self) -> str:
        return self.config.fail_level


class ProjectCache:
    """One ``Project`` per config file; files outside any project share a default."""

    def __init__(self, config_override: Path | None = None) -> None:
        self.override = config_override
        self.by_config: dict[Path, Project] = {}
        self.default: Project | None = None

    def for_path(self, path: Path) -> Project:
        config = self.override or find_config(path)
        if config is None:
            if self.default is None:
                self.default = default_project(Path.cwd())
            return self.default
        key = safe_resolve(config)
        if key not in self.by_config:
            self.by_config[key] = load_project(config)
        return self.by_config[key]


def safe_resolve(path: Path) -> Path:
    """``path.resolve()``, except that a symlink loop stays where it is (Python
    3.11 raises RuntimeError for it); reading it then reports the loop."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.parent.resolve() / path.name


def walk_yaml(root: Path, onerror: Callable[[OSError], None] | None = None) -> list[str]:
    """Relative POSIX paths of YAML files under ``root``, sorted, skipping hidden
    folders (.git, .venv…) and dependency folders. Folders that cannot be read
    are passed to ``onerror``."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        rel_dir = os.path.relpath(dirpath, root)
        for name in sorted(filenames):
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                out.append(name if rel_dir == "." else f"{Path(rel_dir).as_posix()}/{name}")
    return out


@lru_cache(maxsize=256)
def glob_to_regex(pattern: str) -> re.Pattern:
    """A glob as cjm.yaml writes them, relative to the project root: ``**``
    (any folders, also none), ``*`` and ``?`` (within one folder), ``[...]``
    classes. Checked against wcmatch's GLOBSTAR globs by the tests; written
    here because importing wcmatch costs ~30 ms on every pre-commit run."""
    pattern = pattern.strip()
    while pattern.startswith("./"):
        pattern = pattern[2:]
    i, out = 0, []
    while i < len(pattern):
        if pattern.startswith("**/", i) and (i == 0 or pattern[i - 1] == "/"):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/") and i + 2 == len(pattern):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                out.append(re.escape("["))
                i += 1
                continue
            body = pattern[i + 1:end]
            negate = body[:1] in ("!", "^")
            if negate:
                body = body[1:]
            body = body.replace("\\", "\\\\").replace("^", "\\^")
            out.append(f"[^{body}/]" if negate else f"[{body}]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def find_config(start: Path) -> Path | None:
    """The nearest cjm.yaml, or pyproject.toml with [tool.cjm], at or above ``start``."""
    current = safe_resolve(start)
    if current.is_file() or current.is_symlink():
        current = current.parent
    for folder in (current, *current.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                with open(pyproject, "rb") as handle:
                    if b"[tool.cjm" in handle.read(MAX_CONFIG_BYTES):
                        return pyproject
            except OSError:
                pass
    return None


def load_project(config_file: Path) -> Project:
    """Read and check a config file; raises ``ConfigError`` with positions."""
    from pydantic import ValidationError

    from cjm.infra.validators import validator_for
    from cjm.model.config import ProjectConfig
    from cjm.model.errors import findings_from_validation_error
    from cjm.pipeline.inputs import display_path, read_bytes

    name = display_path(config_file)
    if config_file.is_dir():
        raise ConfigError([CONFIG.finding(f"{name} is a folder; --config takes a cjm.yaml or pyproject.toml file",
                                          Span(name))])
    raw, why = read_bytes(config_file, MAX_CONFIG_BYTES)
    if raw is None:
        raise ConfigError([CONFIG.finding(f"cannot read the configuration: {why}", Span(name))])
    if config_file.name == "pyproject.toml":
        import tomllib

        try:
            data = tomllib.loads(raw.decode("utf-8")).get("tool", {}).get("cjm", {})
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError([CONFIG.finding(f"cannot read pyproject.toml: {exc}", Span(name))]) from None
        index = PositionIndex(name)  # TOML positions are not tracked: findings point at the file
    else:
        from cjm.loader import load_bytes

        doc = load_bytes(name, raw)
        if doc.findings or doc.data is None:
            raise ConfigError(doc.findings)
        data, index = doc.data, doc.index
    try:
        config = validator_for(ProjectConfig).validate_python(data)
    except ValidationError as exc:
        findings = findings_from_validation_error(exc, data, index, ProjectConfig)
        raise ConfigError([_as_config(f) for f in findings]) from None
    from cjm.pipeline.choices import check_config

    project = Project(config_file.parent, config, config_file)
    problems = check_config(project, data, index)
    if problems:
        raise ConfigError([_as_config(f) for f in problems])
    return project


def _as_config(f: Finding) -> Finding:
    return CONFIG.finding(f.message, f.span, path=f.path, hint=f.hint)


def default_project(root: Path) -> Project:
    from cjm.model.config import ProjectConfig
    from cjm.pipeline.choices import rule_settings

    # No file, nothing to validate: the defaults as they are.
    project = Project(root, ProjectConfig.model_construct(), None)
    project.levels, project.options = rule_settings({})
    return project
