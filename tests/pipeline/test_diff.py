"""The diff stage without the command line: two files, a git revision against
the working tree, --gap, and where each change sits in the new file (the
comparison itself: tests/authoring/test_diff.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cjm.diagnostics.errors import EnvironmentProblem, InputError, UsageError
from cjm.locations import Span
from cjm.pipeline.diff import DiffRequest, DiffResult, check_revision, diff, read_at_revision
from conftest import MINIMAL_MAP

OLD = MINIMAL_MAP
NEW = MINIMAL_MAP.replace("title: Minimal", "title: Bigger").replace("emotion: 1", "emotion: -1") + """\
      - id: pay
        name: Pay
        emotion: {sam: 2}
        pain_points:
          - id: fees
            title: Fees
        opportunities:
          - id: no-fees
            title: No fees
            addresses: [fees]
kpis:
  - id: nps
    name: NPS
actions:
  - id: drop-fees
    title: Drop fees
    addresses: [fees]
"""
CATALOG = "cjm: 1\nkind: catalog\npersonas:\n  - {id: lee, name: Lee, goals: [x]}\n"


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd),
                               "PATH": "/usr/bin:/bin:/usr/local/bin", "GIT_AUTHOR_NAME": "T",
                               "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "T",
                               "GIT_COMMITTER_EMAIL": "t@example.com"})
    return proc.stdout


@pytest.fixture
def files(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.yaml").write_text(OLD)
    (tmp_path / "new.yaml").write_text(NEW)
    return tmp_path


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository where map.yaml was OLD at HEAD~1 and NEW at HEAD."""
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    for text in (OLD, NEW):
        (tmp_path / "map.yaml").write_text(text)
        git(tmp_path, "add", "map.yaml")
        git(tmp_path, "commit", "-q", "-m", "step")
    return tmp_path


# --- two files ---------------------------------------------------------------------


def test_two_files(files):
    result = diff(DiffRequest(["old.yaml", "new.yaml"]))
    assert isinstance(result, DiffResult) and result.gap is None and result.report.findings == []
    (d,) = result.diffs
    assert (d["old"]["file"], d["new"]["file"]) == ("old.yaml", "new.yaml")
    assert [t["id"] for t in d["touchpoints"]["added"]] == ["pay"]
    assert result.changed
    assert set(result.sides) == {"new.yaml"} and result.sides["new.yaml"][0].title == "Bigger"


def test_the_same_file_twice_has_no_changes(files):
    result = diff(DiffRequest(["old.yaml", "old.yaml"]))
    assert not result.changed and result.diffs[0]["summary"]["changes"] == 0


def test_a_side_that_fails_the_schema_stops_the_comparison_with_its_findings(files):
    (files / "new.yaml").write_text("cjm: 1\ntitle: T\nstages: nope\n")
    with pytest.raises(InputError) as caught:
        diff(DiffRequest(["old.yaml", "new.yaml"]))
    assert [(f.code, str(f.span)) for f in caught.value.findings] == [("CJM203", "new.yaml:3:9")]
    assert caught.value.exit_code == 1


def test_a_catalogue_is_not_a_map_to_compare(files):
    (files / "cat.yaml").write_text(CATALOG)
    with pytest.raises(InputError) as caught:
        diff(DiffRequest(["cat.yaml", "new.yaml"]))
    assert [f.code for f in caught.value.findings] == ["CJM206"]


@pytest.mark.parametrize("targets, words", [
    ([], "give two maps"),
    (["old.yaml"], "exactly two"),
    (["old.yaml", "new.yaml", "x.yaml"], "exactly two"),
    (["old.yaml", "missing.yaml"], "no such file: missing.yaml"),
    (["old.yaml", "."], "is a folder"),
    (["."], "is a folder"),
])
def test_usage_errors_with_files(files, targets, words):
    with pytest.raises(UsageError, match=words):
        diff(DiffRequest(targets))


# --- a git revision ------------------------------------------------------------------------


def test_a_revision_against_the_working_tree(repo):
    result = diff(DiffRequest(["HEAD~1", "map.yaml"]))
    (d,) = result.diffs
    assert (d["old"]["file"], d["new"]["file"]) == ("HEAD~1:map.yaml", "map.yaml")
    assert [t["id"] for t in d["touchpoints"]["added"]] == ["pay"]
    assert result.changed and result.report.findings == []
    assert not diff(DiffRequest(["HEAD", "map.yaml"])).changed


def test_the_working_tree_counts_not_the_index(repo):
    (repo / "map.yaml").write_text(OLD)
    assert not diff(DiffRequest(["HEAD~1", "map.yaml"])).changed


def test_a_map_that_did_not_exist_at_the_revision_is_new(repo):
    (repo / "other.yaml").write_text(OLD)
    (d,) = diff(DiffRequest(["HEAD", "other.yaml"])).diffs
    assert d["old"]["exists"] is False and d["new"]["exists"] is True


def test_without_paths_the_projects_maps_and_never_its_catalogues(repo):
    (repo / "cjm.yaml").write_text("cjm: 1\nmaps: ['*.yaml']\ncatalogs: ['people.yaml']\n")
    (repo / "people.yaml").write_text(CATALOG)
    result = diff(DiffRequest(["HEAD~1"]))
    assert [d["new"]["file"] for d in result.diffs] == ["map.yaml"]


def test_a_catalogue_named_with_a_revision_is_skipped(repo):
    (repo / "people.yaml").write_text(CATALOG)
    assert diff(DiffRequest(["HEAD", "people.yaml", "map.yaml"])).diffs[0]["new"]["file"] == "map.yaml"
    assert len(diff(DiffRequest(["HEAD", "people.yaml"])).diffs) == 0


def test_a_broken_side_is_a_finding_and_the_other_maps_are_still_compared(repo):
    (repo / "good.yaml").write_text(OLD)
    git(repo, "add", "good.yaml")
    git(repo, "commit", "-q", "-m", "good")
    (repo / "map.yaml").write_text("cjm: 1\ntitle: [broken\n")
    result = diff(DiffRequest(["HEAD", "good.yaml", "map.yaml"]))
    assert [d["new"]["file"] for d in result.diffs] == ["good.yaml"]
    assert [(f.code, f.span.file) for f in result.report.findings] == [("CJM101", "map.yaml")]


def test_broken_at_the_revision_names_rev_and_path(repo):
    (repo / "map.yaml").write_text("cjm: 1\ntitle: T\nstages: nope\n")
    git(repo, "commit", "-qam", "broken")
    (repo / "map.yaml").write_text(NEW)
    result = diff(DiffRequest(["HEAD", "map.yaml"]))
    assert result.diffs == []
    assert [str(f.span) for f in result.report.findings] == ["HEAD:map.yaml:3:9"]


@pytest.mark.parametrize("targets, words", [
    (["no-such-rev", "map.yaml"], "neither an existing file nor a known git revision"),
    (["HEAD", "missing.yaml"], "no such file"),
    (["HEAD", "-"], "cannot read a map from stdin"),
    (["--gap", "map.yaml"], "not a revision"),  # never handed to git, where it would read as an option
])
def test_usage_errors_with_a_revision(repo, targets, words):
    with pytest.raises(UsageError, match=words):
        diff(DiffRequest(targets))


@pytest.mark.parametrize("rev", ["-p", "--output=/tmp/x", "", "   "])
def test_check_revision_refuses_what_git_would_read_as_an_option(repo, rev):
    with pytest.raises(UsageError, match="not a revision"):
        check_revision(rev, repo)


def test_outside_a_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "map.yaml").write_text(OLD)
    with pytest.raises(UsageError, match="not inside a git repository"):
        diff(DiffRequest(["HEAD", "map.yaml"]))


def test_without_git_installed_the_environment_is_to_blame(repo, monkeypatch, tmp_path_factory):
    monkeypatch.setenv("PATH", str(tmp_path_factory.mktemp("empty-bin")))
    with pytest.raises(EnvironmentProblem) as caught:
        diff(DiffRequest(["HEAD", "map.yaml"]))
    assert caught.value.exit_code == 3 and "cjm diff OLD NEW" in caught.value.hint


def test_read_at_revision(repo):
    assert read_at_revision("HEAD~1", repo / "map.yaml") == OLD.encode()
    assert read_at_revision("HEAD", repo / "map.yaml") == NEW.encode()
    (repo / "sub").mkdir()
    (repo / "sub" / "new.yaml").write_text(OLD)
    assert read_at_revision("HEAD", repo / "sub" / "new.yaml") is None


def test_read_at_revision_from_a_subfolder(repo):
    (repo / "sub").mkdir()
    (repo / "sub" / "m.yaml").write_text(OLD)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "sub")
    assert read_at_revision("HEAD", repo / "sub" / "m.yaml") == OLD.encode()


# --- the gap between current and future ------------------------------------------------------

FUTURE = NEW.replace("title: Bigger", "title: Future\ntype: future-state\nimproves: current.yaml")


@pytest.fixture
def pair(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "current.yaml").write_text(OLD)
    (tmp_path / "future.yaml").write_text(FUTURE)
    return tmp_path


def test_gap(pair):
    result = diff(DiffRequest(["future.yaml"], gap=True))
    assert result.diffs == [] and result.gap is not None
    assert (result.gap["current"]["file"], result.gap["future"]["file"]) == ("current.yaml", "future.yaml")
    assert not result.changed  # the gap is not a list of changes


def test_gap_follows_improves_relative_to_the_future_map(pair):
    (pair / "maps").mkdir()
    (pair / "maps" / "future.yaml").write_text(FUTURE.replace("improves: current.yaml",
                                                              "improves: ../current.yaml"))
    shown = diff(DiffRequest(["maps/future.yaml"], gap=True)).gap["current"]["file"]
    assert os.path.normpath(shown) == "current.yaml"  # (shown as maps/../current.yaml)


@pytest.mark.parametrize("targets, future, error, words", [
    ([], None, UsageError, "--gap takes one future-state map"),
    (["future.yaml", "current.yaml"], None, UsageError, "--gap takes one"),
    (["missing.yaml"], None, UsageError, "no such file"),
    (["future.yaml"], NEW, UsageError, "has no `improves:`"),
    (["future.yaml"], FUTURE.replace("current.yaml", "gone.yaml"), UsageError, "gone.yaml, which does not exist"),
    (["future.yaml"], "cjm: 1\ntitle: [x\n", InputError, "the future-state map does not load"),
])
def test_gap_errors(pair, targets, future, error, words):
    if future is not None:
        (pair / "future.yaml").write_text(future)
    with pytest.raises(error, match=words.replace("(", r"\(")):
        diff(DiffRequest(targets, gap=True))


def test_gap_with_a_broken_current_map(pair):
    (pair / "current.yaml").write_text("cjm: 1\ntitle: T\n")
    with pytest.raises(InputError, match="named by `improves:`") as caught:
        diff(DiffRequest(["future.yaml"], gap=True))
    assert [f.code for f in caught.value.findings] == ["CJM202"]


# --- where a change sits ----------------------------------------------------------------------


@pytest.mark.parametrize("kind, ident, persona, where", [
    ("map", "title", None, (2, 8)),
    ("stage", "buy", None, (9, 5)),
    ("touchpoint", "pay", None, (15, 9)),
    ("emotion", "shop", None, (14, 18)),
    ("emotion", "pay", "sam", (17, 24)),  # per persona: at that persona's score
    ("emotion", "pay", None, (17, 18)),
    ("pain_point", "fees", None, (19, 13)),
    ("opportunity", "no-fees", None, (22, 13)),
    ("persona", "sam", None, (5, 5)),
    ("action", "drop-fees", None, (29, 5)),
    ("kpi", "nps", None, (26, 5)),
    ("kpi", "gone", None, (26, 3)),  # a removed one: the list that held it
    ("touchpoint", "gone", None, (1, 1)),  # not in the file: its start
    ("something-else", "x", None, (1, 1)),
])
def test_locate_finds_each_kind_of_change_in_the_new_file(files, kind, ident, persona, where):
    result = diff(DiffRequest(["old.yaml", "new.yaml"]))
    span = result.locate("new.yaml", kind, ident, persona)
    assert (span.file, span.line, span.column) == ("new.yaml", *where)


def test_locate_in_a_file_without_a_side(files):
    assert DiffResult().locate("elsewhere.yaml", "touchpoint", "x") == Span("elsewhere.yaml", 1, 1)


def test_every_change_is_located_inside_the_new_file(files):
    from cjm.authoring.diff import change_notes

    result = diff(DiffRequest(["old.yaml", "new.yaml"]))
    notes = change_notes(result.diffs, result.locate)
    lines = NEW.count("\n")
    assert notes and all(n.span.file == "new.yaml" and 1 <= n.span.line <= lines for n in notes)
    assert any(n.span.line > 1 for n in notes)
