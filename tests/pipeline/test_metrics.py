"""Metrics snapshots read back for a map (cjm.pipeline.metrics): where a map's
snapshot lives, and reading it without ever failing the run: a missing,
unreadable or foreign file is a Metrics whose `why` says what is wrong."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cjm.pipeline import metrics as metrics_module
from cjm.pipeline.metrics import DEFAULT, metrics_for, read_metrics, snapshot_path
from cjm.pipeline.project import default_project, load_project


def snapshot(metrics=None, to="2026-11-05T08:00:00Z", **extra) -> str:
    doc = {"format": "cjm-metrics", "version": 1, "provenance": {"time_range": {"from": None, "to": to}},
           "metrics": {"funnel.conversion": 0.5} if metrics is None else metrics, **extra}
    return json.dumps(doc)


def project_at(root: Path, config: str = "cjm: 1\n"):
    (root / "cjm.yaml").write_text(config)
    return load_project(root / "cjm.yaml")


# --- where ----------------------------------------------------------------------------


def test_the_default_is_metrics_folder_at_the_project_root(tmp_path):
    assert DEFAULT == "metrics/{map}.json"
    project = project_at(tmp_path)
    assert snapshot_path(project, "maps/shop.yaml") == tmp_path / "metrics" / "shop.json"
    assert snapshot_path(project, "maps/deep/er/shop.yml") == tmp_path / "metrics" / "shop.json"
    assert snapshot_path(project, "shop.v2.yaml") == tmp_path / "metrics" / "shop.v2.json"


def test_outside_a_project_the_snapshot_sits_beside_the_map(tmp_path):
    project = default_project(tmp_path)
    assert snapshot_path(project, "maps/shop.yaml") == Path("maps/metrics/shop.json")
    assert snapshot_path(project, str(tmp_path / "a" / "b.yaml")) == tmp_path / "a" / "metrics" / "b.json"


@pytest.mark.parametrize("template, expected", [
    ("snapshots/{map}.json", "snapshots/shop.json"),
    ("out/{map}/{map}-latest.json", "out/shop/shop-latest.json"),
    ("all.json", "all.json"),  # one snapshot for every map
    ("metrics/../numbers/{map}.json", "numbers/shop.json"),  # normalized
])
def test_a_configured_template(tmp_path, template, expected):
    project = project_at(tmp_path, f"cjm: 1\nanalytics:\n  snapshot: '{template}'\n")
    assert snapshot_path(project, "maps/shop.yaml") == tmp_path / expected


def test_an_analytics_section_without_a_snapshot_uses_the_default(tmp_path):
    project = project_at(tmp_path, "cjm: 1\nanalytics:\n  source: {path: events.csv}\n")
    assert snapshot_path(project, "shop.yaml") == tmp_path / "metrics" / "shop.json"


# --- reading ------------------------------------------------------------------------------


def test_a_snapshot_is_read(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(snapshot({"funnel.conversion": 0.5, "stage.buy.reach": 3}))
    got = read_metrics(path)
    assert got.present and got.why == ""
    assert got.values == {"funnel.conversion": 0.5, "stage.buy.reach": 3}
    assert got.data_end.isoformat() == "2026-11-05"
    assert got.document["format"] == "cjm-metrics"


def test_the_path_is_shown_relative_to_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "shop.json").write_text(snapshot())
    monkeypatch.chdir(tmp_path)
    assert read_metrics(tmp_path / "metrics" / "shop.json").shown == "metrics/shop.json"
    assert read_metrics(Path("metrics/shop.json")).shown == "metrics/shop.json"


def test_a_missing_snapshot_says_how_to_write_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    got = read_metrics(tmp_path / "metrics" / "shop.json")
    assert not got.present and got.values == {}
    assert got.why == ("there is no metrics snapshot at metrics/shop.json "
                       "(write one with `cjm analyze MAP -o metrics/shop.json`)")


@pytest.mark.parametrize("content, words", [
    (b"{not json", "is not JSON"),
    (b"\xff\xfe{}", "is not JSON"),
    (b"", "is not JSON"),
    (b"[1, 2]", "is not a cjm metrics snapshot (format cjm-metrics, version 1)"),
    (b'{"format": "cjm-metrics", "version": 2, "metrics": {}}', "is not a cjm metrics snapshot"),
    (b'{"format": "other", "version": 1, "metrics": {}}', "is not a cjm metrics snapshot"),
    (b'{"format": "cjm-metrics", "version": 1}', "holds no `metrics` mapping"),
    (b'{"format": "cjm-metrics", "version": 1, "metrics": [1]}', "holds no `metrics` mapping"),
])
def test_a_broken_or_foreign_file_is_said_not_raised(tmp_path, content, words):
    path = tmp_path / "m.json"
    path.write_bytes(content)
    got = read_metrics(path)
    assert not got.present and got.values == {} and got.data_end is None
    assert got.why.startswith(got.shown) and words in got.why


def test_a_folder_or_a_huge_file_cannot_be_read(tmp_path, monkeypatch):
    (tmp_path / "folder.json").mkdir()
    got = read_metrics(tmp_path / "folder.json")
    assert not got.present and got.why.startswith("cannot read ") and "folder" in got.why
    big = tmp_path / "big.json"
    big.write_text(snapshot(extra_padding="x" * 2000))
    monkeypatch.setattr(metrics_module, "MAX_BYTES", 1000)
    got = read_metrics(big)
    # Not "is not JSON": the file was cut at the limit, and saying so is the point.
    assert not got.present and got.why.startswith("cannot read ") and "it is larger than" in got.why
    monkeypatch.setattr(metrics_module, "MAX_BYTES", 64 * 1024 * 1024)
    big.write_text(snapshot(extra_padding="y" * 2001))  # another size: not the cached answer
    assert read_metrics(big).present


@pytest.mark.parametrize("provenance, end", [
    ({"time_range": {"to": "2026-11-05"}}, "2026-11-05"),
    ({"time_range": {"to": "2026-11-05T23:59:59+05:00"}}, "2026-11-05"),  # the day as written
    ({"time_range": {"to": "yesterday"}}, None),
    ({"time_range": {"to": 20261105}}, None),
    ({"time_range": {"to": None}}, None),
    ({"time_range": None}, None),
    ({}, None),
    (None, None),
])
def test_the_data_end_is_read_when_it_is_a_date(tmp_path, provenance, end):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"format": "cjm-metrics", "version": 1, "metrics": {"x": 1}, "provenance": provenance}))
    got = read_metrics(path)
    assert got.present and got.values == {"x": 1}
    assert (got.data_end.isoformat() if got.data_end else None) == end


def test_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(snapshot({"x": 1}))
    assert read_metrics(path).values == {"x": 1}
    assert read_metrics(path) is read_metrics(path)  # cached
    path.write_text(snapshot({"x": 22}))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert read_metrics(path).values == {"x": 22}


# --- a map's snapshot -------------------------------------------------------------------------


def test_metrics_for_a_map_in_its_project(tmp_path):
    project = project_at(tmp_path, "cjm: 1\nanalytics:\n  snapshot: 'numbers/{map}.json'\n")
    (tmp_path / "numbers").mkdir()
    (tmp_path / "numbers" / "shop.json").write_text(snapshot({"funnel.conversion": 0.25}))
    got = metrics_for(project, "maps/shop.yaml")
    assert got.values == {"funnel.conversion": 0.25}
    assert not metrics_for(project, "maps/other.yaml").present


def test_metrics_for_a_map_without_a_project(tmp_path, monkeypatch):
    (tmp_path / "maps" / "metrics").mkdir(parents=True)
    (tmp_path / "maps" / "metrics" / "shop.json").write_text(snapshot({"funnel.entered": 7}))
    monkeypatch.chdir(tmp_path)
    got = metrics_for(None, "maps/shop.yaml")
    assert got.values == {"funnel.entered": 7} and got.shown == "maps/metrics/shop.json"
