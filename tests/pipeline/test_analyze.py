"""The analyze stage (cjm.pipeline.analyze): a request in, a result out. The
map is checked first; the project's `analytics:` section and the request's
overrides make the engine request; engine errors become the CLI's errors with
their exit codes; the snapshot is written atomically.

The data is the seeded generator's (benchmarks/events.py), whose planted
truth the funnel must find exactly. The command line's options and output
formats are tests/cli/test_analyze.py."""

from __future__ import annotations

import json
import sys

import pytest

from cjm.diagnostics.errors import EnvironmentProblem, InputError, UsageError
from cjm.diagnostics.exits import ExitCode
from cjm.pipeline.analyze import AnalyzeRequest, AnalyzeResult, analyze

USERS = 300


def shop_map(gen, extra_touchpoint: str = "") -> str:
    """The generator's journey as a map: one stage per step, its event as the touchpoint's `events:`."""
    lines = ["cjm: 1", "title: Shop", "goal: Buy", "stages:"]
    for step, (stage, touchpoint) in zip(gen.STEPS, gen.TOUCHPOINTS):
        lines += [f"  - id: {stage}", f"    name: {stage.title()}", "    touchpoints:",
                  f"      - id: {touchpoint}", f"        name: {touchpoint.title()} page", f"        events: [{step}]"]
    return "\n".join(lines) + "\n" + extra_touchpoint


@pytest.fixture(scope="module")
def events(tmp_path_factory, gen):
    folder = tmp_path_factory.mktemp("events")
    truth = gen.generate(str(folder / "events.parquet"), USERS, seed=4, days=10)
    return folder / "events.parquet", truth


@pytest.fixture
def shop(tmp_path, gen, events):
    path, _truth = events
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "shop.yaml").write_text(shop_map(gen))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.parquet").symlink_to(path)
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\nanalytics:\n  source: {path: data/events.parquet}\n")
    return tmp_path


def run(shop, monkeypatch, **kw) -> AnalyzeResult:
    monkeypatch.chdir(shop)
    return analyze(AnalyzeRequest("maps/shop.yaml", **kw))


def test_the_funnel_finds_the_planted_truth(shop, monkeypatch, events):
    _path, truth = events
    done = run(shop, monkeypatch)
    data = done.result.to_dict()
    assert [s["reached"] for s in data["steps"]] == truth["reached"]
    assert [s["id"] for s in data["steps"]] == ["discover", "consider", "cart", "checkout", "purchase"]
    assert data["totals"]["events_read"] == truth["events"]
    assert data["conformance"]["unmatched_events"] == truth["unmatched_events"]
    assert done.title == "Shop" and done.names["product"] == "Product page" and done.names["discover"] == "Discover"
    assert done.snapshot is None and done.snapshot_changed is False
    assert data["engine"]["name"] == "duckdb"


def test_a_stage_and_a_touchpoint_may_share_an_id(shop, monkeypatch):
    """Stage `cart` holds touchpoint `cart`: the funnel by stage says the stage's name, the
    touchpoint tables the touchpoint's."""
    from cjm.analytics.report import tables

    done = run(shop, monkeypatch)
    funnel, reach = tables(done.result.to_dict(), done.names)[:2]
    assert [row[1] for row in funnel.rows] == ["Discover", "Consider", "Cart", "Checkout", "Purchase"]
    assert [row[0] for row in reach.rows] == ["Browse page", "Product page", "Cart page", "Checkout page",
                                              "Purchase page"]
    by_touchpoint = run(shop, monkeypatch, funnel={"steps": "touchpoints"})
    funnel = tables(by_touchpoint.result.to_dict(), by_touchpoint.names)[0]
    assert [row[1] for row in funnel.rows][2] == "Cart page"


def test_progress_is_reported(shop, monkeypatch):
    calls = []
    run(shop, monkeypatch, on_progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]


def test_the_snapshot_is_written_and_rewritten_only_when_it_changes(shop, monkeypatch):
    out = shop / "metrics" / "shop.json"
    first = run(shop, monkeypatch, output=out)
    assert first.snapshot == out and first.snapshot_changed
    assert out.read_text() == first.result.snapshot_json()
    assert json.loads(out.read_text())["format"] == "cjm-metrics"
    again = run(shop, monkeypatch, output=out)
    assert again.snapshot == out and not again.snapshot_changed
    changed = run(shop, monkeypatch, output=out, funnel={"window": "1h"})
    assert changed.snapshot_changed and json.loads(out.read_text())["semantics"]["window_seconds"] == 3600
    assert sorted(p.name for p in out.parent.iterdir()) == ["shop.json"]  # no temporary file left behind


def test_a_folder_as_the_snapshot_is_a_usage_error(shop, monkeypatch):
    (shop / "metrics").mkdir()
    with pytest.raises(UsageError, match="is a folder; -o names the snapshot file"):
        run(shop, monkeypatch, output=shop / "metrics")


def test_the_request_overrides_the_project(shop, monkeypatch, events, tmp_path_factory):
    _path, truth = events
    done = run(shop, monkeypatch, funnel={"steps": ["browse", "cart"], "window": "30m", "attempt": "best"})
    data = done.result.to_dict()
    assert [s["id"] for s in data["steps"]] == ["browse", "cart"]
    assert data["semantics"]["window_seconds"] == 1800 and data["semantics"]["attempt"] == "best"
    # --data: another file, relative to the project root, in place of analytics.source.path.
    (shop / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\nanalytics:\n  source: {path: nowhere.parquet}\n"
                                   "  funnel: {window: 2h}\n")
    done = run(shop, monkeypatch, data="data/events.parquet")
    assert [s["reached"] for s in done.result.to_dict()["steps"]][0] == truth["reached"][0]
    assert done.result.to_dict()["semantics"]["window_seconds"] == 7200  # the project's funnel stays


def test_the_shape_override_is_validated_with_the_data(shop, monkeypatch):
    # GA4's columns are not in a plain event table: the engine names the one missing.
    with pytest.raises(UsageError, match="'event_params' \\(the properties\\)"):
        run(shop, monkeypatch, shape="ga4")


@pytest.mark.parametrize("funnel, words", [
    ({"window": "soon"}, "analytics.funnel.window: "),
    ({"attempt": "last"}, "analytics.funnel.attempt: "),
    ({"windw": "1h"}, "analytics.funnel.windw: "),
])
def test_overrides_are_validated_like_the_config(shop, monkeypatch, funnel, words):
    with pytest.raises(UsageError) as err:
        run(shop, monkeypatch, funnel=funnel)
    assert err.value.message.startswith(words) and err.value.exit_code == ExitCode.USAGE


def test_without_a_source_it_says_where_to_put_one(shop, monkeypatch):
    (shop / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\n")
    with pytest.raises(UsageError) as err:
        run(shop, monkeypatch)
    assert err.value.message == "no event data: say where it is"
    assert "to cjm.yaml, or pass --data PATH" in err.value.hint


def test_a_map_outside_a_project_needs_data_and_reads_it_from_the_working_folder(tmp_path, monkeypatch, gen, events):
    path, truth = events
    (tmp_path / "shop.yaml").write_text(shop_map(gen))
    (tmp_path / "e.parquet").symlink_to(path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as err:
        analyze(AnalyzeRequest("shop.yaml"))
    assert "add `analytics: {source: {path: events/*.parquet}}` to a cjm.yaml" in err.value.hint
    done = analyze(AnalyzeRequest("shop.yaml", data="e.parquet"))
    assert [s["reached"] for s in done.result.to_dict()["steps"]] == truth["reached"]


@pytest.mark.parametrize("kw, error, words", [
    ({"funnel": {"steps": ["browse", "nope"]}}, UsageError, "unknown touchpoint id(s) in steps: nope"),
    ({"data": "data/missing-*.parquet"}, UsageError, "matches no event file"),
    ({"engine": "presto"}, UsageError, "--engine takes duckdb or spark; got 'presto'"),
    ({"memory_limit": "lots"}, UsageError, "the memory limit 'lots' is not a size"),
])
def test_what_the_request_gets_wrong_is_a_usage_error(shop, monkeypatch, kw, error, words):
    with pytest.raises(error) as err:
        run(shop, monkeypatch, **kw)
    assert words in err.value.message and err.value.exit_code == ExitCode.USAGE


def test_a_map_without_events_is_named(shop, monkeypatch, gen):
    text = "\n".join(line for line in shop_map(gen).splitlines() if "events:" not in line) + "\n"
    (shop / "maps" / "shop.yaml").write_text(text)
    with pytest.raises(UsageError) as err:
        run(shop, monkeypatch)
    assert err.value.message.startswith("maps/shop.yaml: no touchpoint of the map has `events:`")
    assert "events: [view_item]" in err.value.hint


def test_a_map_with_errors_is_not_measured(shop, monkeypatch, gen):
    (shop / "maps" / "shop.yaml").write_text(shop_map(gen).replace("events: [view_item]", "events: view_item"))
    with pytest.raises(InputError) as err:
        run(shop, monkeypatch)
    assert err.value.exit_code == ExitCode.FINDINGS
    assert err.value.message == "maps/shop.yaml has errors; fix them before measuring it (cjm validate)"
    assert [(f.code, f.span.line) for f in err.value.findings] == [("CJM203", 16)]


def test_warnings_do_not_stop_the_measurement(shop, monkeypatch, gen, events):
    _path, truth = events
    # No goal: the missing-goal rule warns; the map is still measured.
    (shop / "maps" / "shop.yaml").write_text(shop_map(gen).replace("goal: Buy\n", ""))
    assert [s["reached"] for s in run(shop, monkeypatch).result.to_dict()["steps"]] == truth["reached"]


def test_a_catalogue_is_not_a_map_to_measure(shop, monkeypatch):
    (shop / "maps" / "shop.yaml").write_text("cjm: 1\nkind: catalog\npersonas: [{id: sam, name: Sam, goals: [a]}]\n")
    with pytest.raises(InputError) as err:
        run(shop, monkeypatch)
    assert [f.code for f in err.value.findings] == ["CJM206"]


def test_one_map_at_a_time(shop, monkeypatch, gen):
    (shop / "maps" / "other.yaml").write_text(shop_map(gen))
    monkeypatch.chdir(shop)
    with pytest.raises(UsageError, match="maps names 2 files; cjm analyze measures one map"):
        analyze(AnalyzeRequest("maps"))


def test_a_missing_engine_is_an_environment_problem(shop, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(EnvironmentProblem) as err:
        run(shop, monkeypatch, engine="spark")
    assert err.value.exit_code == ExitCode.ENVIRONMENT
    assert "pyspark" in err.value.message and "pip install 'cjm-cli[spark]'" in err.value.hint
