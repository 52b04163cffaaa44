"""Projects: finding ``cjm.yaml`` (or ``[tool.cjm]``), reading it, and listing
the files that belong to it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cjm.diagnostics import Finding, Severity
from cjm.locations import Span

CONFIG_NAMES = ("cjm.yaml", "cjm.yml")
YAML_SUFFIXES = (".yaml", ".yml")
# Folders never searched for maps: tools' caches, virtualenvs, dependencies.
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


class ConfigError(Exception):
    """The project configuration is broken: exit code 2."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f"{f.span}: {f.message}" for f in findings))
        self.findings = findings


@dataclass
class Project:
    root: Path
    config: object  # ProjectConfig
    config_file: Path | None = None
    _maps: list[Path] | None = field(default=None, repr=False)
    _catalogs: list[Path] | None = field(default=None, repr=False)

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
        resolved = safe_resolve(path)
        return resolved in {safe_resolve(p) for p in self.map_files()} | {safe_resolve(p) for p in self.catalog_files()}


def safe_resolve(path: Path) -> Path:
    """``path.resolve()``, except that a symlink loop stays where it is (Python
    3.11 raises RuntimeError for it); reading it then reports the loop."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.parent.resolve() / path.name


def walk_yaml(root: Path) -> list[str]:
    """Relative POSIX paths of YAML files under ``root``, sorted, skipping hidden
    folders (.git, .venv…) and dependency folders."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        rel_dir = os.path.relpath(dirpath, root)
        for name in sorted(filenames):
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                out.append(name if rel_dir == "." else f"{Path(rel_dir).as_posix()}/{name}")
    return out


@lru_cache(maxsize=256)
def glob_to_regex(pattern: str) -> re.Pattern:
    """Glob with ``**`` (any folders), ``*`` and ``?`` (within one folder)."""
    pattern = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    i, out = 0, []
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
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
                if "[tool.cjm]" in pyproject.read_text(encoding="utf-8", errors="replace"):
                    return pyproject
            except OSError:
                pass
    return None


def load_project(config_file: Path, display: str | None = None) -> Project:
    """Read and validate a config file; raises ``ConfigError`` with positions."""
    from pydantic import ValidationError

    from cjm.model.config import ProjectConfig
    from cjm.model.errors import findings_from_validation_error

    name = display or str(config_file)
    if config_file.name == "pyproject.toml":
        import tomllib

        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8")).get("tool", {}).get("cjm", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError([Finding("CJM001", "config", Severity.ERROR, f"cannot read pyproject.toml: {exc}",
                                       Span(name))]) from None
        from cjm.locations import PositionIndex

        index = PositionIndex(name)
    else:
        from cjm.loader import load_file

        doc = load_file(str(config_file), name)
        if doc.findings or doc.data is None:
            raise ConfigError(doc.findings)
        data, index = doc.data, doc.index
    from cjm.model.validators import validator_for

    try:
        config = validator_for(ProjectConfig).validate_python(data)
    except ValidationError as exc:
        findings = findings_from_validation_error(exc, data, index, ProjectConfig)
        raise ConfigError([Finding("CJM001", "config", f.severity, f.message, f.span, f.path, f.hint)
                           for f in findings]) from None
    return Project(config_file.parent, config, config_file)


def default_project(root: Path) -> Project:
    from cjm.model.config import ProjectConfig

    # No file, nothing to validate: the defaults as they are.
    return Project(root, ProjectConfig.model_construct(), None)
