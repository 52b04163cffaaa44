"""The init stage without the command line: what it plans to write, that it
writes all or nothing, never overwrites by accident, and makes a git
repository (the starter content itself: tests/authoring/starters/)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from cjm.diagnostics.errors import UsageError
from cjm.pipeline import schemas
from cjm.pipeline.init import InitRequest, InitResult, init, plan

DAY = dt.date(2026, 10, 1)
HEADER = "# yaml-language-server: $schema="


def test_plan_a_current_state_project():
    files = plan(Path("p"), "travel", "current-state", DAY, False)
    assert list(files) == [Path("p/cjm.yaml"), Path("p/maps/travel-current-state.yaml")]
    config = files[Path("p/cjm.yaml")]
    assert config.splitlines()[0] == HEADER + schemas.BASE_ID + schemas.SCHEMA_FILES["config"]
    assert YAML(typ="safe").load(config) == {
        "cjm": 1, "maps": ["maps/**/*.yaml", "maps/**/*.yml"], "catalogs": ["shared/**/*.yaml"],
        "render": {"out": "build/cjm", "formats": ["svg", "md", "html"]}}
    the_map = files[Path("p/maps/travel-current-state.yaml")]
    assert the_map.splitlines()[0] == HEADER + schemas.BASE_ID + schemas.SCHEMA_FILES["map"]
    data = YAML(typ="safe").load(the_map)
    assert (data["type"], data["reviewed"]) == ("current-state", DAY)


def test_plan_a_future_state_project_writes_the_current_map_it_improves_on_first():
    files = plan(Path("."), "banking", "future-state", DAY, False)
    assert [p.as_posix() for p in files] == ["cjm.yaml", "maps/banking-current-state.yaml",
                                             "maps/banking-future-state.yaml"]
    future = YAML(typ="safe").load(files[Path("maps/banking-future-state.yaml")])
    assert future["improves"] == "banking-current-state.yaml"


def test_plan_with_schema_files_for_offline_editors():
    files = plan(Path("p"), "retail", "service-blueprint", DAY, True)
    assert [p.as_posix() for p in files] == ["p/cjm.yaml", "p/maps/retail-service-blueprint.yaml",
                                             "p/maps/cjm.schema.json", "p/cjm-config.schema.json"]
    assert files[Path("p/maps/retail-service-blueprint.yaml")].splitlines()[0] == HEADER + "cjm.schema.json"
    assert files[Path("p/cjm.yaml")].splitlines()[0] == HEADER + "cjm-config.schema.json"
    assert files[Path("p/maps/cjm.schema.json")] == schemas.dumps(schemas.map_schema())
    assert files[Path("p/cjm-config.schema.json")] == schemas.dumps(schemas.config_schema())


def test_plan_is_deterministic():
    assert plan(Path("a"), "ecommerce", "day-in-the-life", DAY, False) == \
        plan(Path("a"), "ecommerce", "day-in-the-life", DAY, False)


def test_init_writes_every_planned_file(tmp_path):
    target = tmp_path / "new" / "project"
    result = init(InitRequest(target, "travel", reviewed=DAY, git=False))
    assert isinstance(result, InitResult) and result.git == ""
    planned = plan(target, "travel", "current-state", DAY, False)
    assert result.written == list(planned)
    for path, content in planned.items():
        assert path.read_text(encoding="utf-8") == content


def test_init_dates_the_review_today_by_default(tmp_path):
    init(InitRequest(tmp_path, git=False))
    text = (tmp_path / "maps" / "ecommerce-current-state.yaml").read_text()
    assert f"reviewed: {dt.date.today().isoformat()}" in text


def test_init_writes_nothing_when_a_file_exists_unless_forced(tmp_path):
    (tmp_path / "cjm.yaml").write_text("mine\n")
    with pytest.raises(UsageError, match="cjm.yaml already exists; nothing was written") as caught:
        init(InitRequest(tmp_path, reviewed=DAY, git=False))
    assert "--force" in caught.value.hint
    assert not (tmp_path / "maps").exists() and (tmp_path / "cjm.yaml").read_text() == "mine\n"
    init(InitRequest(tmp_path, reviewed=DAY, git=False, force=True))
    assert (tmp_path / "cjm.yaml").read_text().startswith(HEADER)


def test_several_existing_files_are_all_named(tmp_path):
    init(InitRequest(tmp_path, "retail", "future-state", DAY, git=False))
    with pytest.raises(UsageError, match="already exist;") as caught:
        init(InitRequest(tmp_path, "retail", "future-state", DAY, git=False))
    assert caught.value.message.count(".yaml") == 3


def test_init_into_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="exists and is not a folder"):
        init(InitRequest(tmp_path / "file", git=False))


def test_init_does_not_write_through_a_link_it_did_not_make(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "maps").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="symbolic link"):
        init(InitRequest(project, reviewed=DAY, git=False))
    assert list(elsewhere.iterdir()) == [] and not (project / "cjm.yaml").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_init_makes_a_git_repository_once(tmp_path):
    result = init(InitRequest(tmp_path / "p", reviewed=DAY))
    assert result.git == "initialised a git repository" and (tmp_path / "p" / ".git").is_dir()
    inside = init(InitRequest(tmp_path / "p" / "sub", reviewed=DAY))
    assert inside.git == "already in a git repository" and not (tmp_path / "p" / "sub" / ".git").exists()
    top = subprocess.run(["git", "-C", str(tmp_path / "p"), "rev-parse", "--show-toplevel"], capture_output=True,
                         text=True).stdout.strip()
    assert Path(top) == (tmp_path / "p").resolve()


def test_without_git_the_step_is_skipped_and_said_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = init(InitRequest(tmp_path / "p", reviewed=DAY))
    assert result.git.startswith("git is not installed") and "git init" in result.git
    assert (tmp_path / "p" / "cjm.yaml").is_file()
