"""Import and export: other formats in, other formats out.

* ``mermaid``: Mermaid ``journey`` diagrams (writing one is the renderer's
  job: ``cjm.render.mermaid``).
* ``csv``: one row per touchpoint, for people who keep maps in spreadsheets.

Importers build plain dicts in the model's key order and hand them to
``dump_yaml``; they never write files (the command does, atomically).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ID_MAX = 64


@dataclass(frozen=True)
class ImportProblem(Exception):
    """Input that cannot be imported, at a 1-based line (and column)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


_SHORT_REFUSED = None


def short_text(text: str | None, fallback: str, limit: int = 300) -> str:
    """Imported text made a valid short text of the format (one line, no
    control characters, not blank, at most ``limit`` characters), else
    ``fallback``: a Mermaid task written `#8;` must not make an invalid map."""
    import re as _re

    from cjm.model.journey import SHORT_TEXT_PATTERN, SHORT_TEXT_REFUSED

    global _SHORT_REFUSED
    if _SHORT_REFUSED is None:
        _SHORT_REFUSED = _re.compile(f"[{SHORT_TEXT_REFUSED}]")
    cleaned = " ".join(_SHORT_REFUSED.sub(" ", text or "").split())[:limit].strip()
    return cleaned if cleaned and _re.match(SHORT_TEXT_PATTERN, cleaned) else fallback


def slugify(text: str, fallback: str = "item") -> str:
    """A model id from free text: lowercase ASCII letters, digits and '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:ID_MAX].rstrip("-") or fallback


class IdMaker:
    """Unique ids within one kind: ``checkout``, ``checkout-2``, ``checkout-3``…"""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken: set[str] = set(taken or ())

    def take(self, wanted: str) -> str:
        """Reserve an id exactly as given (ids read from the input)."""
        self.taken.add(wanted)
        return wanted

    def make(self, text: str, fallback: str = "item") -> str:
        base = slugify(text, fallback)
        candidate, n = base, 2
        while candidate in self.taken:
            suffix = f"-{n}"
            candidate = base[: ID_MAX - len(suffix)].rstrip("-") + suffix
            n += 1
        self.taken.add(candidate)
        return candidate


def dump_yaml(data: dict, header: str = "") -> str:
    """YAML in ``cjm fmt``'s canonical layout (keys in the model's order, quoting
    safe for YAML 1.1 readers), so that imported maps pass ``cjm fmt --check``."""
    from cjm.authoring.formatter import dump_data

    return dump_data(data, header)
