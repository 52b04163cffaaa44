"""The metrics snapshot: valid against schemas/cjm-metrics.schema.json, the same bytes for
the same data, provenance that identifies the input, and the metric keys KPIs bind to."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from cjm.analytics import FunnelRequest, JourneyShape, Semantics, Source, run_funnel, run_reference
from cjm.analytics.reference import Event
from cjm.analytics.spec import parse_time

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "cjm-metrics.schema.json").read_text())
JOURNEY = JourneyShape.build(
    [("s1", [("a", ["A"], ["b", "b2"])]), ("s2", [("b", ["B"], []), ("b2", ["B2"], [])]), ("s3", [("c", ["C"], [])])],
    personas=("sam",),
)
ROWS = [
    ("u1", "2026-01-05T01:00:00Z", "A", "pro"), ("u1", "2026-01-05T02:00:00Z", "B", "pro"),
    ("u1", "2026-01-05T03:00:00Z", "C", "pro"), ("u2", "2026-01-06T01:00:00Z", "A", ""),
    ("u2", "2026-01-06T01:30:00Z", "zoom", ""), ("u3", "2026-01-12T01:00:00Z", "A", "free"),
]


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("user_id,timestamp,event,plan\n" + "".join(",".join(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def request(path, **kw):
    return FunnelRequest(Source.resolve(str(path)), JOURNEY, semantics=Semantics(breakdown="plan", personas=(("pro", "sam"),)), **kw)


def test_snapshot_follows_the_schema_and_is_stable(csv_file):
    result = run_funnel(request(csv_file))
    snapshot = result.snapshot()
    jsonschema.validate(snapshot, SCHEMA)
    again = run_funnel(request(csv_file))
    assert again.snapshot_json() == result.snapshot_json()
    assert again.to_json() == result.to_json()
    assert snapshot["format"] == "cjm-metrics" and snapshot["version"] == 1


def test_provenance_identifies_the_input(csv_file):
    snapshot = run_funnel(request(csv_file)).snapshot()
    files = snapshot["provenance"]["files"]
    assert files == [{"path": "events.csv", "sha256": hashlib.sha256(csv_file.read_bytes()).hexdigest(), "bytes": csv_file.stat().st_size}]
    assert snapshot["provenance"]["time_range"] == {"from": "2026-01-05T01:00:00Z", "to": "2026-01-12T01:00:00Z"}
    assert snapshot["provenance"]["engine"]["name"] == "duckdb"
    assert snapshot["semantics"]["window_seconds"] == 7 * 86400 and snapshot["semantics"]["counts"] == "units"


def test_metric_keys(csv_file):
    metrics = run_funnel(request(csv_file)).metrics
    assert metrics["stage.s1.reach"] == 3
    assert metrics["stage.s2.conversion"] == pytest.approx(1 / 3, abs=1e-6)
    assert metrics["stage.s2.step_conversion"] == pytest.approx(1 / 3, abs=1e-6)
    assert metrics["stage.s1.dropoff"] == pytest.approx(2 / 3, abs=1e-6)
    assert metrics["stage.s2.median_seconds"] == 3600.0 and metrics["stage.s2.p90_seconds"] == 3600.0
    assert metrics["touchpoint.b2.reach"] == 0 and metrics["touchpoint.a.reach"] == 3
    assert metrics["funnel.conversion"] == pytest.approx(1 / 3, abs=1e-6)
    assert metrics["conformance.unmatched_share"] == pytest.approx(1 / 6, abs=1e-6)


def test_the_snapshot_tells_a_folder_source_by_relative_paths(tmp_path):
    folder = tmp_path / "events" / "dt=2026-01-05"
    folder.mkdir(parents=True)
    (folder / "part-0.csv").write_text("user_id,timestamp,event\nu1,2026-01-05T01:00:00Z,A\n", encoding="utf-8")
    result = run_funnel(FunnelRequest(Source.resolve(str(tmp_path / "events")), JOURNEY))
    assert [f["path"] for f in result.snapshot()["provenance"]["files"]] == ["events/dt=2026-01-05/part-0.csv"]


def test_results_carry_the_semantics_and_the_reference_gives_the_same(csv_file):
    result = run_funnel(request(csv_file)).to_dict()
    events = [Event(u, parse_time(t), e, {"plan": p} if p else {}) for u, t, e, p in ROWS]
    reference = run_reference(request(csv_file), events).to_dict()
    assert {k: v for k, v in result.items() if k != "engine"} == {k: v for k, v in reference.items() if k != "engine"}
    assert result["breakdown"]["segments"][0]["segment"] == "(none)"
    assert result["conformance"]["untaken_branches"] == [{"from": "a", "to": "b2"}]


def test_progress_is_reported(csv_file):
    calls = []
    run_funnel(request(csv_file, progress=lambda done, total: calls.append((done, total))))
    assert calls[-1][0] == calls[-1][1] and len(calls) > 3
