"""Source positions: one 1-based ``Span`` type, and the one place that converts
ruamel.yaml's 0-based marks and pydantic's ``loc`` paths into it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

PathPart = Union[str, int]
DocPath = tuple[PathPart, ...]


@dataclass(frozen=True, order=True)
class Span:
    """A region of a file; every number is 1-based, as editors show them."""

    file: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def format_path(path: DocPath) -> str:
    """``('stages', 0, 'touchpoints', 2, 'emotion')`` -> ``stages[0].touchpoints[2].emotion``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(("." if out else "") + str(part))
    return "".join(out) or "(document)"


class PositionIndex:
    """Where each value (and each mapping key) of a loaded document sits in its file.

    Filled by the loader while it walks the YAML node tree, so looking a path up
    costs a dict access; nothing is re-parsed.
    """

    __slots__ = ("file", "values", "keys")

    def __init__(self, file: str) -> None:
        self.file = file
        self.values: dict[DocPath, tuple[int, int, int, int]] = {}
        self.keys: dict[DocPath, tuple[int, int, int, int]] = {}

    def span(self, path: DocPath, *, key: bool = False) -> Span:
        """The span of the value at ``path`` (of its key when ``key``), or of its
        nearest ancestor that exists in the file (for a missing key, the mapping
        that lacks it)."""
        table = self.keys if key else self.values
        probe = tuple(path)
        if key and probe in table:
            return self._make(table[probe])
        while probe:
            if probe in self.values:
                return self._make(self.values[probe])
            probe = probe[:-1]
        if () in self.values:
            return self._make(self.values[()])
        return Span(self.file, 1, 1)

    def has(self, path: DocPath) -> bool:
        return tuple(path) in self.values

    def _make(self, t: tuple[int, int, int, int]) -> Span:
        return Span(self.file, t[0] + 1, t[1] + 1, t[2] + 1, t[3] + 1)
