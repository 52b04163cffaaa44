"""The package cjm.analytics: importing it must not load the heavy engines (cjm
runs in pre-commit hooks), what it exports, and run_reference, which answers a
request with the reference implementation and the same checks as an engine."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def test_import_stays_light():
    code = (
        "import json, sys; import cjm.analytics, cjm.model.analytics; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('duckdb', 'pyspark', 'pyarrow', 'numpy', 'py4j'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_engines_do_load_when_asked():
    # The check above is only worth something if the same probe sees a heavy import.
    code = "import json, sys; import cjm.analytics.engine_duckdb as e, duckdb; print(json.dumps('duckdb' in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) is True


# --- the package's interface ------------------------------------------------------------------


def test_everything_exported_is_there():
    import cjm.analytics as analytics

    assert sorted(analytics.__all__) == analytics.__all__
    for name in analytics.__all__:
        assert getattr(analytics, name) is not None, name
    # Every error a caller may catch is exported, under the one base class.
    for name in ("BadTimestampError", "CorruptInputError", "EmptyInputError", "EmptyResultError",
                 "EngineUnavailableError", "InputNotFoundError", "MissingColumnError", "NoEventsMappedError",
                 "RequestError"):
        assert issubclass(getattr(analytics, name), analytics.AnalyticsError)


def test_run_reference_checks_and_answers_like_an_engine():
    from cjm.analytics import (EmptyInputError, EmptyResultError, FunnelRequest, JourneyShape, NoEventsMappedError,
                               Source, run_reference)
    from cjm.analytics.reference import Event

    journey = JourneyShape.build([("s1", [("a", ["A"], [])]), ("s2", [("b", ["B"], [])])])
    request = FunnelRequest(Source(("e.csv",), "csv"), journey)
    result = run_reference(request, [Event("u1", 0, "A"), Event("u1", 60_000_000, "B"), Event("u2", 0, "A")])
    assert result.engine == {"name": "reference", "version": "1"} and result.source is request.source
    assert result.to_dict()["funnel"] == {"entered": 2, "converted": 1, "conversion": 0.5}
    with pytest.raises(EmptyInputError):
        run_reference(request, [])
    with pytest.raises(EmptyResultError):
        run_reference(request, [Event("u1", 0, "B")])
    with pytest.raises(NoEventsMappedError):
        run_reference(FunnelRequest(request.source, JourneyShape.build([("s1", [("a", [], [])])])), [])
