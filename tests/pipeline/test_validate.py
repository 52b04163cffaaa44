"""The validate stage without the command line: a ValidateRequest in, a
ValidateResult out (projects, catalogues, fail levels, jobs), never printed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from cjm.diagnostics import Finding, Severity
from cjm.diagnostics.errors import NothingToCheck, UsageError
from cjm.diagnostics.exits import ExitCode
from cjm.pipeline.validate import MAX_JOBS, ValidateRequest, ValidateResult, check_jobs, validate
from conftest import SHOP_MAP

BAD = SHOP_MAP.replace("{sam: 1}", "{sam: 9}")  # CJM307 error at 14:24
WARN = SHOP_MAP.replace("goal: Turn visitors into buyers\n", "")  # CJM313 warning
OLD = SHOP_MAP.replace("goal: Turn visitors into buyers\n", "goal: Buy\nreviewed: 2026-01-01\n")  # CJM315 later


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def run(monkeypatch):
    """``run(root, request)``: the stage, from ``root`` as the working folder."""

    def call(root: Path, request: ValidateRequest) -> ValidateResult:
        monkeypatch.chdir(root)
        return validate(request)

    return call


def found(result: ValidateResult) -> list[tuple[str, str, str]]:
    return [(str(f.span), f.code, f.severity.label) for f in result.report.findings]


# --- files, kinds, order -------------------------------------------------------------


def test_files_in_path_order_with_their_kind(tmp_path, run):
    write(tmp_path, {"b.yaml": BAD, "a.yaml": SHOP_MAP, "c.yaml": "cjm: 1\nkind: catalog\n", "d.yaml": "x: [\n"})
    result = run(tmp_path, ValidateRequest(["d.yaml", "."], jobs=1))
    assert [r.file for r in result.report.reports] == ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
    assert result.kinds == {"a.yaml": "map", "b.yaml": "map", "c.yaml": "catalog", "d.yaml": "unknown"}
    assert [(s, c) for s, c, _l in found(result)] == [("b.yaml:14:24", "CJM307"), ("d.yaml:2:1", "CJM101")]
    assert result.report.failed and result.report.fail_level is Severity.ERROR


def test_a_clean_run(tmp_path, run):
    write(tmp_path, {"a.yaml": SHOP_MAP})
    result = run(tmp_path, ValidateRequest(["a.yaml"]))
    assert result.report.findings == [] and not result.report.failed
    assert [p.config_file for p in result.projects] == [None]  # the default project: no cjm.yaml


def test_the_stage_never_prints(tmp_path, run, capsys):
    write(tmp_path, {"b.yaml": BAD})
    run(tmp_path, ValidateRequest(["b.yaml"]))
    assert capsys.readouterr() == ("", "")


def test_nothing_to_check_is_an_error_of_the_stage(tmp_path, run):
    (tmp_path / "empty").mkdir()
    with pytest.raises(NothingToCheck) as caught:
        run(tmp_path, ValidateRequest(["empty"]))
    assert caught.value.exit_code is ExitCode.USAGE


# --- fail levels -------------------------------------------------------------------


@pytest.mark.parametrize("fail_level, failed", [(None, False), (Severity.ERROR, False), (Severity.WARNING, True),
                                                (Severity.INFO, True)])
def test_fail_level_of_the_request(tmp_path, run, fail_level, failed):
    write(tmp_path, {"w.yaml": WARN})
    result = run(tmp_path, ValidateRequest(["w.yaml"], fail_level=fail_level))
    assert [c for _s, c, _l in found(result)] == ["CJM313"]
    assert result.report.failed is failed
    assert result.report.fail_level is (fail_level or Severity.ERROR)


def test_fail_level_of_the_project_and_the_strictest_of_several(tmp_path, run):
    write(tmp_path, {"strict/cjm.yaml": "cjm: 1\nfail_level: warning\n", "strict/w.yaml": WARN,
                     "lax/cjm.yaml": "cjm: 1\nfail_level: error\n", "lax/w.yaml": WARN})
    assert run(tmp_path, ValidateRequest(["lax"])).report.fail_level is Severity.ERROR
    result = run(tmp_path, ValidateRequest(["strict"]))
    assert result.report.fail_level is Severity.WARNING and result.report.failed
    both = run(tmp_path, ValidateRequest(["lax", "strict"]))
    assert both.report.fail_level is Severity.WARNING
    assert sorted(p.root.name for p in both.projects) == ["lax", "strict"]
    # the request beats every project
    assert not run(tmp_path, ValidateRequest(["strict"], fail_level=Severity.ERROR)).report.failed


# --- levels and options -------------------------------------------------------------------


def test_levels_of_the_request_beat_the_projects(tmp_path, run):
    write(tmp_path, {"cjm.yaml": "cjm: 1\nrules:\n  emotion-out-of-scale: warning\n  missing-goal: off\n",
                     "b.yaml": BAD, "w.yaml": WARN})
    result = run(tmp_path, ValidateRequest([]))
    assert [(c, lvl) for _s, c, lvl in found(result)] == [("CJM307", "warning")]
    result = run(tmp_path, ValidateRequest([], levels={"CJM307": "error", "CJM313": "info"}))
    assert [(c, lvl) for _s, c, lvl in found(result)] == [("CJM307", "error"), ("CJM313", "info")]


def test_today_and_rule_options_reach_the_rules(tmp_path, run):
    write(tmp_path, {"old.yaml": OLD})
    day = dt.date(2026, 4, 30)  # 119 days after the review
    assert found(run(tmp_path, ValidateRequest(["old.yaml"], today=day))) == []
    assert [c for _s, c, _l in found(run(tmp_path, ValidateRequest(["old.yaml"], today=day + dt.timedelta(2))))] \
        == ["CJM315"]
    write(tmp_path, {"cjm.yaml": "cjm: 1\nrules:\n  stale-review: {level: warning, max_age_days: 30}\n"})
    assert found(run(tmp_path, ValidateRequest(["old.yaml"], today=day))) == [("old.yaml:4:11", "CJM315",
                                                                               "warning")]


# --- projects and catalogues -----------------------------------------------------------------

CONFIG = "cjm: 1\nmaps: ['maps/*.yaml']\ncatalogs: ['shared/*.yaml']\n"
CATALOG = "cjm: 1\nkind: catalog\npersonas:\n  - {id: shopper, name: Shopper, goals: [Shoes]}\n"
USES = SHOP_MAP.replace("  - id: sam\n    name: Sam\n    goals: [Buy running shoes]\n", "  - shopper\n") \
    .replace("{sam: 1}", "{shopper: 1}")


def test_catalogues_are_checked_once_and_their_ids_reach_the_maps(tmp_path, run):
    write(tmp_path, {"cjm.yaml": CONFIG, "shared/people.yaml": CATALOG, "maps/a.yaml": USES})
    for inputs in ([], ["maps/a.yaml"], ["maps/a.yaml", "shared/people.yaml"], ["."]):
        result = run(tmp_path, ValidateRequest(inputs))
        assert found(result) == [], inputs
        assert [r.file for r in result.report.reports].count("shared/people.yaml") == 1
        assert result.kinds["shared/people.yaml"] == "catalog"
        assert len(result.projects) == 1 and result.projects[0].config_file == tmp_path / "cjm.yaml"


def test_a_broken_catalogue_is_reported_and_the_map_misses_its_ids(tmp_path, run):
    write(tmp_path, {"cjm.yaml": CONFIG, "shared/people.yaml": CATALOG.replace("name: Shopper", "nam: Shopper"),
                     "maps/a.yaml": USES})
    codes = [(s.split(":")[0], c) for s, c, _l in found(run(tmp_path, ValidateRequest([])))]
    assert ("shared/people.yaml", "CJM201") in codes and ("maps/a.yaml", "CJM302") in codes


def test_files_outside_any_project_share_the_default_project(tmp_path, run):
    write(tmp_path, {"p/cjm.yaml": CONFIG, "p/maps/a.yaml": SHOP_MAP, "loose/a.yaml": SHOP_MAP,
                     "loose/b.yaml": SHOP_MAP})
    result = run(tmp_path, ValidateRequest(["p/maps/a.yaml", "loose"]))
    assert sorted(str(p.config_file) for p in result.projects) == sorted([str(tmp_path / "p" / "cjm.yaml"), "None"])


def test_an_explicit_config_applies_to_every_file(tmp_path, run):
    write(tmp_path, {"rules.yaml": "cjm: 1\nrules:\n  CJM307: off\n", "elsewhere/b.yaml": BAD})
    result = run(tmp_path, ValidateRequest(["elsewhere/b.yaml"], config=tmp_path / "rules.yaml"))
    assert found(result) == []


# --- jobs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [-1, MAX_JOBS + 1, 1000])
def test_check_jobs_refuses_out_of_range(jobs):
    with pytest.raises(UsageError, match=f"--jobs takes 0 .* to {MAX_JOBS}; got {jobs}"):
        check_jobs(jobs)


@pytest.mark.parametrize("jobs", [1, 2, MAX_JOBS])
def test_check_jobs_in_range(jobs):
    assert check_jobs(jobs) == jobs


def test_zero_jobs_is_one_per_core(monkeypatch):
    assert check_jobs(0) == (os.cpu_count() or 1)
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert check_jobs(0) == 1


def test_bad_jobs_fail_before_any_file_is_read(tmp_path, run):
    with pytest.raises(UsageError):
        run(tmp_path, ValidateRequest(["does-not-exist.yaml"], jobs=-1))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """60 maps (enough to go parallel), 4 of them broken in different ways."""
    root = tmp_path_factory.mktemp("corpus")
    for i in range(60):
        (root / f"m{i:02d}.yaml").write_text(SHOP_MAP.replace("Online shop", f"Shop {i}"), encoding="utf-8")
    (root / "m07.yaml").write_text("cjm: 1\ntitle: [unclosed\n", encoding="utf-8")
    (root / "m21.yaml").write_bytes(b"cjm: 1\ntitle: caf\xe9\n")
    (root / "m42.yaml").write_text(SHOP_MAP + "title: again\n", encoding="utf-8")
    (root / "m59.yaml").write_text(BAD, encoding="utf-8")
    return root


def test_parallel_and_serial_runs_give_the_same_result(corpus, run, monkeypatch):
    import multiprocessing

    pools = []
    real = multiprocessing.get_context

    def spy(method=None):
        pools.append(method)
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    serial = run(corpus, ValidateRequest(["."], jobs=1))
    assert pools == []
    parallel = run(corpus, ValidateRequest(["."], jobs=2))
    assert pools == ["fork"]  # really in worker processes
    assert [(r.file, r.kind, r.findings) for r in parallel.report.reports] == \
        [(r.file, r.kind, r.findings) for r in serial.report.reports]
    assert [r.file for r in serial.report.reports] == [f"m{i:02d}.yaml" for i in range(60)]
    assert [(s, c) for s, c, _l in found(serial)] == [
        ("m07.yaml:3:1", "CJM101"), ("m21.yaml:2:11", "CJM103"), ("m42.yaml:15:1", "CJM102"),
        ("m59.yaml:14:24", "CJM307")]
    assert serial.kinds == parallel.kinds


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_is_reported_for_every_file(corpus, run, jobs):
    seen: list[tuple[int, int]] = []
    run(corpus, ValidateRequest(["."], jobs=jobs, on_progress=lambda done, total: seen.append((done, total))))
    assert seen == [(i, 60) for i in range(1, 61)]


def test_findings_survive_the_trip_through_a_worker_process(corpus, run):
    """Findings are pickled back from the workers: still the same values, with spans and severities."""
    result = run(corpus, ValidateRequest(["."], jobs=2))
    f = result.report.findings[-1]
    assert isinstance(f, Finding) and f.severity is Severity.ERROR and f.span.end_line == 14
