"""Schema validation of one loaded document: pick the model by ``kind``, run
its validator and turn errors into findings. The validator is handed in (the
pipeline keeps built validators in a cache on disk; the model layer does no
I/O)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cjm.diagnostics import Finding
from cjm.diagnostics.codes import INVALID_VALUE, WRONG_KIND, WRONG_TYPE
from cjm.locations import PositionIndex

MAX_SCHEMA_ERRORS = 200


def build_validator(cls: type) -> Any:
    """The model's own validator, built now (the models defer building)."""
    cls.model_rebuild()
    return cls.__pydantic_validator__


def model_for(kind: object) -> type | None:
    from cjm.model.journey import Catalog, JourneyMap

    return {"map": JourneyMap, "catalog": Catalog}.get(kind)  # type: ignore[arg-type]


def validate_document(data: dict, index: PositionIndex,
                      validator_for: Callable[[type], Any] = build_validator,
                      kinds: tuple[str, ...] = ("map", "catalog")) -> tuple[Any, list[Finding]]:
    """The model of a loaded document (a map or a catalogue, chosen by ``kind``)
    and, when it does not validate, its schema findings in user words. A
    document of another kind than ``kinds`` is refused with CJM206."""
    from pydantic import ValidationError

    from cjm.model.errors import findings_from_validation_error

    kind = data.get("kind", "map")
    cls = model_for(kind) if isinstance(kind, str) else None
    if cls is None:
        return None, [INVALID_VALUE.finding(f"kind must be map or catalog; got {kind!r}", index.span(("kind",)),
                                            path="kind", hint="leave `kind:` out for a map")]
    if kind not in kinds:
        wanted = " or ".join("a map" if k == "map" else "a catalogue" for k in kinds)
        return None, [WRONG_KIND.finding(f"this file is a {'catalogue' if kind == 'catalog' else 'map'}; "
                                         f"{wanted} is needed here", index.span(("kind",) if "kind" in data else ()),
                                         path="kind")]
    validator = validator_for(cls)
    try:
        return validator.validate_python(data), []
    except ValidationError as exc:
        total = exc.error_count()
        if total <= MAX_SCHEMA_ERRORS:
            return None, findings_from_validation_error(exc, data, index, cls)
    # Thousands of errors help nobody and cost memory to spell out: report those
    # of a copy with every list cut short (same paths, so the same positions),
    # then say how many there are in all.
    shown: list[Finding] = []
    try:
        validator.validate_python(_cut_lists(data, 20))
    except ValidationError as exc:
        shown = findings_from_validation_error(exc, data, index, cls)[:MAX_SCHEMA_ERRORS]
    if not shown:  # the errors all sit past the first items of long lists: show the first ones themselves
        try:
            validator.validate_python(data)
        except ValidationError as exc:
            shown = findings_from_validation_error(_errors_only(exc, MAX_SCHEMA_ERRORS), data, index, cls)
    shown.append(WRONG_TYPE.finding(f"too many schema errors to list ({total:,} failed checks); the first "
                                    f"{len(shown)} are shown", index.span(()),
                                    hint="fix these and run cjm validate again"))
    return None, shown


class _FirstErrors:
    """A ValidationError cut to its first ``n`` errors (what the translation reads)."""

    def __init__(self, errors: list[dict]) -> None:
        self._errors = errors

    def errors(self, **_kw) -> list[dict]:
        return self._errors


def _errors_only(exc, n: int) -> _FirstErrors:
    return _FirstErrors(exc.errors(include_url=False, include_context=True)[:n])


def _cut_lists(value: Any, keep: int) -> Any:
    if isinstance(value, dict):
        return {k: _cut_lists(v, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut_lists(v, keep) for v in value[:keep]]
    return value
