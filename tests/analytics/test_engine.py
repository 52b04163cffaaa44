"""Running a request (cjm.analytics.engine): the engine it picks, and the data
problems `check` turns into errors after the engine has counted (bad or mixed
times, no event, nobody entering), in that order, with samples.

The engines themselves are tested in test_engine_duckdb.py and test_engine_spark.py;
here a stand-in engine hands back made-up aggregates, so no engine runs."""

from __future__ import annotations

import types
from collections import Counter

import pytest

import cjm.analytics
from cjm.analytics import engine as engine_module
from cjm.analytics.engine import check, run_funnel
from cjm.analytics.errors import BadTimestampError, EmptyInputError, EmptyResultError, RequestError
from cjm.analytics.result import Raw
from cjm.analytics.spec import FunnelRequest, JourneyShape, Semantics, Source, parse_time, plan

JOURNEY = JourneyShape.build([("s1", [("a", ["A"], [])]), ("s2", [("b", ["B"], [])])])
SOURCE = Source(("a.csv", "b.csv"), "csv")


def raw(**kw) -> Raw:
    out = Raw(events=5, events_in_range=5, units=2, ts_min=0, ts_max=10)
    out.attempts = Counter({(1, 2, False, 0, None): 2})
    for k, v in kw.items():
        setattr(out, k, v)
    return out


@pytest.fixture
def engines(monkeypatch):
    """Stand-ins for both engines: each records its calls and returns `answer`."""
    calls = []
    answer = {"raws": {0: raw()}, "checks": []}

    def fake(name):
        def run(p, source, options, progress=None):
            calls.append((name, p.n, source, options))
            return answer["raws"], {"name": name, "version": "0"}, answer["checks"]

        module = types.ModuleType(f"cjm.analytics.engine_{name}")
        module.run = run
        monkeypatch.setitem(__import__("sys").modules, f"cjm.analytics.engine_{name}", module)
        monkeypatch.setattr(cjm.analytics, f"engine_{name}", module, raising=False)

    fake("duckdb")
    fake("spark")
    return calls, answer


@pytest.mark.parametrize("name", ["duckdb", "spark"])
def test_the_request_names_the_engine(engines, name):
    calls, _answer = engines
    result = run_funnel(FunnelRequest(SOURCE, JOURNEY, engine=name))
    assert [c[0] for c in calls] == [name]
    assert result.engine == {"name": name, "version": "0"} and result.to_dict()["engine"]["name"] == name
    assert [s["reached"] for s in result.to_dict()["steps"]] == [2, 2]


def test_duckdb_is_the_default(engines):
    calls, _answer = engines
    run_funnel(FunnelRequest(SOURCE, JOURNEY))
    assert [c[0] for c in calls] == ["duckdb"]


@pytest.mark.parametrize("name", ["presto", "Spark", "", "duck"])
def test_an_unknown_engine_is_a_request_error(engines, name):
    calls, _answer = engines
    with pytest.raises(RequestError) as err:
        run_funnel(FunnelRequest(SOURCE, JOURNEY, engine=name))
    assert err.value.message == f"unknown engine {name!r}" and "duckdb or spark" in err.value.hint
    assert calls == []  # refused before any engine ran


def test_the_request_is_planned_before_an_engine_runs(engines):
    calls, _answer = engines
    with pytest.raises(RequestError, match="unknown touchpoint"):
        run_funnel(FunnelRequest(SOURCE, JOURNEY, steps=("a", "zz")))
    assert calls == []


def test_no_batch_zero_means_nothing_was_read(engines):
    _calls, answer = engines
    answer["raws"] = {}
    with pytest.raises(EmptyInputError, match="2 file\\(s\\) hold no event"):
        run_funnel(FunnelRequest(SOURCE, JOURNEY))


# --- check -------------------------------------------------------------------------------------

PLAN = plan(JOURNEY, "stages", Semantics())


def test_a_good_result_passes():
    check(PLAN, raw(), SOURCE, [])


def test_bad_times_come_first_with_up_to_three_samples():
    checks = [("bad", "x1"), ("zoned", "2026-01-05T00:00:00Z"), ("bad", None), ("bad", "x3"), ("bad", "x4")]
    with pytest.raises(BadTimestampError) as err:
        check(PLAN, raw(time_check=(4, 1, 1), events=0, attempts=Counter()), SOURCE, checks)
    assert err.value.message == ("4 event time(s) in column 'timestamp' are missing or cannot be read as times, "
                                 "e.g. 'x1', (empty), 'x3'")
    assert "time_unit" in err.value.hint


@pytest.mark.parametrize("zoned, naive, sample", [(1, 5, "'2026-01-05T00:00:00Z'"), (5, 1, "'2026-01-05 00:00:00'"),
                                                  (2, 2, "'2026-01-05T00:00:00Z'")])
def test_mixed_offsets_show_samples_of_the_fewer_kind(zoned, naive, sample):
    checks = [("zoned", "2026-01-05T00:00:00Z"), ("naive", "2026-01-05 00:00:00")]
    with pytest.raises(BadTimestampError) as err:
        check(PLAN, raw(time_check=(0, zoned, naive)), SOURCE, checks)
    assert f"with a UTC offset ({zoned}) and without one ({naive}), e.g. {sample}" in err.value.message
    assert "timezone" in err.value.hint


def test_only_one_kind_of_time_is_fine():
    check(PLAN, raw(time_check=(0, 7, 0)), SOURCE, [])
    check(PLAN, raw(time_check=(0, 0, 7)), SOURCE, [])


def test_no_event_at_all():
    with pytest.raises(EmptyInputError) as err:
        check(PLAN, raw(events=0, attempts=Counter()), SOURCE, [])
    assert err.value.message == "the event data is empty: 2 file(s) hold no event"


@pytest.mark.parametrize("semantics, words", [
    (Semantics(), "no person entered the funnel: of 5 events read (3 matching a touchpoint), none is a first step "
                  "(stage 's1')"),
    (Semantics(unit="session"), "no session entered the funnel"),
    (Semantics(since_us=parse_time("2026-01-05")), "between 2026-01-05T00:00:00Z and the end"),
    (Semantics(until_us=parse_time("2026-01-05", end_of_day=True)), "between the start and 2026-01-05T23:59:59.999999Z"),
])
def test_nobody_entering_says_what_was_read(semantics, words):
    with pytest.raises(EmptyResultError) as err:
        check(plan(JOURNEY, "stages", semantics), raw(attempts=Counter(), unmatched_in_range=2), SOURCE, [])
    assert words in err.value.message
    assert "first step" in err.value.hint and err.value.exit_code == 2


def test_the_engine_module_stays_light():
    # The engines are imported when a request runs, not with cjm.analytics.engine.
    assert not hasattr(engine_module, "duckdb") and not hasattr(engine_module, "engine_duckdb")
