"""Schema validation of one loaded document: the one place that picks the model
by ``kind``, runs its (cached) validator and turns errors into findings. The
pipeline, the future-state rule and ``cjm diff`` all check documents this way."""

from __future__ import annotations

from typing import Any

from cjm.diagnostics import Finding, Severity


def validate_document(data: dict, index) -> tuple[Any, list[Finding]]:
    """The model of a loaded document (a map or a catalogue, chosen by ``kind``)
    and, when it does not validate, its schema findings in user words."""
    from pydantic import ValidationError

    from cjm.model.errors import INVALID_VALUE, findings_from_validation_error
    from cjm.model.journey import Catalog, JourneyMap

    kind = data.get("kind", "map")
    if kind not in ("map", "catalog"):
        span = index.span(("kind",))
        return None, [Finding(INVALID_VALUE[0], INVALID_VALUE[1], Severity.ERROR,
                              f"kind must be map or catalog; got {kind!r}", span, "kind")]
    from cjm.model.validators import validator_for

    cls = Catalog if kind == "catalog" else JourneyMap
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
    from cjm.model.errors import WRONG_TYPE

    shown.append(Finding(WRONG_TYPE[0], WRONG_TYPE[1], Severity.ERROR,
                         f"too many schema errors to list ({total:,} failed checks); the first {len(shown)} "
                         "are shown",
                         index.span(()), "", "fix these and run cjm validate again"))
    return None, shown


MAX_SCHEMA_ERRORS = 200


def _cut_lists(value: Any, keep: int) -> Any:
    if isinstance(value, dict):
        return {k: _cut_lists(v, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut_lists(v, keep) for v in value[:keep]]
    return value
