"""`cjm diff`: two files, a git revision against the working tree, and --gap,
as a user runs it (the comparison: tests/authoring/test_diff.py; the stage:
tests/pipeline/test_diff.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES

V1 = """\
cjm: 1
title: Shoe shop
goal: Buy shoes
personas:
  - id: maya
    name: Maya
    goals: [Cheap shoes]
  - id: dan
    name: Dan
    goals: [Fast shoes]
kpis:
  - id: conversion
    name: Conversion rate
    unit: "%"
    target: 3
    actual: 1.8
    direction: higher-is-better
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: product-page
        name: Product page
        emotion: {maya: -1, dan: 0}
        pain_points:
          - id: hidden-shipping
            title: Shipping cost hidden
      - id: size-chat
        name: Size chat
        emotion: -2
  - id: buy
    name: Buy
    touchpoints:
      - id: checkout
        name: Checkout
        emotion: {maya: -2, dan: -2}
        pain_points:
          - id: long-checkout
            title: Five steps
      - id: phone-order
        name: Phone order
        emotion: 0
actions:
  - id: show-shipping
    title: Show shipping early
    status: planned
    addresses: [hidden-shipping]
"""

# v2: checkout renamed and happier, hidden-shipping closed, a new step, the
# action in progress, KPI actual moved.
V2 = (V1.replace("name: Checkout\n", "name: One-page checkout\n")
      .replace("emotion: {maya: -2, dan: -2}", "emotion: {maya: 1, dan: 2}")
      .replace("""        pain_points:
          - id: hidden-shipping
            title: Shipping cost hidden
""", "")
      .replace("status: planned", "status: in-progress")
      .replace("addresses: [hidden-shipping]", "addresses: []")
      .replace("actual: 1.8", "actual: 2.4")
      .replace("""      - id: phone-order
        name: Phone order
        emotion: 0
""", """      - id: phone-order
        name: Phone order
        emotion: 0
      - id: wallet-pay
        name: "Wallet | pay <script>alert(1)</script>"
        emotion: 2
"""))

# v3: the size chat moves to the buy stage, a pain point opens there, the
# stages swap order, and Dan is gone.
V3 = """\
cjm: 1
title: Shoe shop
goal: Buy shoes
personas:
  - id: maya
    name: Maya
    goals: [Cheap shoes]
kpis:
  - id: conversion
    name: Conversion rate
    unit: "%"
    target: 3.5
    actual: 2.4
    direction: higher-is-better
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: checkout
        name: One-page checkout
        emotion: {maya: 1}
        pain_points:
          - id: long-checkout
            title: Five steps
      - id: phone-order
        name: Phone order
        emotion: 0
      - id: wallet-pay
        name: "Wallet | pay <script>alert(1)</script>"
        emotion: 2
      - id: size-chat
        name: Size chat
        emotion: -1
        pain_points:
          - id: slow-chat
            title: "Slow @team replies"
  - id: browse
    name: Browse
    touchpoints:
      - id: product-page
        name: Product page
        emotion: {maya: -1}
actions:
  - id: show-shipping
    title: Show shipping early
    status: done
"""


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd),
                               "PATH": "/usr/bin:/bin:/usr/local/bin"})
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with three commits of map.yaml (V1, V2, V3)."""
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.com")
    git(tmp_path, "config", "user.name", "Test")
    for i, text in enumerate((V1, V2, V3), 1):
        (tmp_path / "map.yaml").write_text(text)
        git(tmp_path, "add", "map.yaml")
        git(tmp_path, "commit", "-q", "-m", f"v{i}")
    return tmp_path


def diff_json(cjm, *args, cwd) -> dict:
    proc = cjm("diff", *args, "-f", "json", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_revision_diff_json(cjm, repo):
    out = diff_json(cjm, "HEAD~2", "map.yaml", cwd=repo)
    assert out["format"] == "cjm-diff" and out["version"] == 1
    (d,) = out["files"]
    assert d["old"]["file"] == "HEAD~2:map.yaml" and d["new"]["file"] == "map.yaml"
    assert d["touchpoints"]["added"] == [{"id": "wallet-pay", "name": "Wallet | pay <script>alert(1)</script>",
                                          "stage": "buy"}]
    assert d["touchpoints"]["moved"] == [{"id": "size-chat", "name": "Size chat", "from": "browse", "to": "buy"}]
    assert d["touchpoints"]["renamed"] == [{"id": "checkout", "old": "Checkout", "new": "One-page checkout",
                                            "stage": "buy"}]
    assert [p["id"] for p in d["touchpoints"]["removed"]] == []
    emotions = {(e["touchpoint"], e["persona"]): e for e in d["emotions"]}
    assert emotions[("checkout", "maya")] == {"touchpoint": "checkout", "name": "One-page checkout",
                                              "persona": "maya", "old": -2, "new": 1, "delta": 3,
                                              "direction": "better"}
    assert emotions[("checkout", "dan")]["direction"] == "removed"
    assert emotions[("size-chat", "*")]["delta"] == 1
    assert ("product-page", "maya") not in emotions  # unchanged
    assert [p["id"] for p in d["pain_points"]["closed"]] == ["hidden-shipping"]
    assert [p["id"] for p in d["pain_points"]["opened"]] == ["slow-chat"]
    assert d["actions"]["status_changed"] == [{"id": "show-shipping", "title": "Show shipping early",
                                               "old": "planned", "new": "done"}]
    kpis = {(k["id"], k["field"]): k for k in d["kpis"]["changed"]}
    assert kpis[("conversion", "actual")]["delta"] == 0.6
    assert kpis[("conversion", "actual")]["direction"] == "better"
    assert kpis[("conversion", "target")]["old"] == 3 and kpis[("conversion", "target")]["new"] == 3.5
    assert d["stages"]["reordered"] == {"old": ["browse", "buy"], "new": ["buy", "browse"]}
    assert d["personas"]["removed"] == [{"id": "dan", "name": "Dan"}]
    assert d["summary"]["changes"] == out["changes"] > 0


def test_each_revision_step(cjm, repo):
    d = diff_json(cjm, "HEAD~2", "map.yaml", cwd=repo)["files"][0]
    step1 = diff_json(cjm, "HEAD~1", "map.yaml", cwd=repo)["files"][0]
    assert step1["touchpoints"]["added"] == []  # wallet-pay came in v2
    assert step1["actions"]["status_changed"][0]["old"] == "in-progress"
    assert d["summary"] != step1["summary"]
    same = diff_json(cjm, "HEAD", "map.yaml", cwd=repo)["files"][0]
    assert same["summary"]["changes"] == 0


def test_json_is_deterministic(cjm, repo):
    a = cjm("diff", "HEAD~2", "map.yaml", "-f", "json", cwd=repo).stdout
    b = cjm("diff", "HEAD~2", "map.yaml", "-f", "json", cwd=repo).stdout
    assert a == b


def test_markdown_for_a_pull_request(cjm, repo):
    proc = cjm("diff", "HEAD~2", "map.yaml", "-f", "markdown", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    md = proc.stdout
    lines = md.splitlines()
    assert lines[0] == "### Journey map changes"
    assert lines[2].startswith("**") and "touchpoint added" in lines[2] and "pain point opened" in lines[2]
    assert "#### Touchpoints" in md and "#### Emotions" in md and "#### Pain points" in md and "#### KPIs" in md
    assert "| Touchpoint | Persona | Before | After | Change |" in md
    # user text stays text: no raw pipe (would split the cell), no tag, no mention
    assert "<script>" not in md
    assert "Wallet \\| pay &lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "@team" not in md and "@\u200bteam" in md
    row = next(x for x in lines if "`checkout`" in x and "Maya" in x)
    assert row.count(" | ") == 4  # five cells: the escaped text did not add any
    assert "+3 ▲ better" in row


def test_text_output(cjm, repo):
    proc = cjm("diff", "HEAD~2", "map.yaml", cwd=repo)
    assert proc.returncode == 0
    out = proc.stdout
    assert out.startswith("HEAD~2:map.yaml -> map.yaml: ")
    assert "  > size-chat (Size chat) moved: browse -> buy" in out
    assert "  + checkout (One-page checkout), Maya: -2 -> 1 (+3, better)" in out
    assert "  - closed hidden-shipping (Shipping cost hidden) at product-page" in out


def test_exit_code_option(cjm, repo):
    assert cjm("diff", "HEAD~1", "map.yaml", "--exit-code", cwd=repo).returncode == 1
    assert cjm("diff", "HEAD", "map.yaml", "--exit-code", cwd=repo).returncode == 0
    assert cjm("diff", "HEAD~1", "map.yaml", cwd=repo).returncode == 0


def test_two_files(cjm, tmp_path):
    (tmp_path / "a.yaml").write_text(V1)
    (tmp_path / "b.yaml").write_text(V2)
    proc = cjm("diff", "a.yaml", "b.yaml", "-f", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)["files"][0]
    assert d["old"]["file"] == "a.yaml" and [t["id"] for t in d["touchpoints"]["added"]] == ["wallet-pay"]
    proc = cjm("diff", "a.yaml", "a.yaml", cwd=tmp_path)
    assert proc.stdout == "a.yaml -> a.yaml: no changes for the customer\n"


def test_new_map_since_revision(cjm, repo):
    (repo / "other.yaml").write_text(V1)
    d = diff_json(cjm, "HEAD", "other.yaml", cwd=repo)["files"][0]
    assert d["old"]["exists"] is False
    assert len(d["touchpoints"]["added"]) == 4
    assert cjm("diff", "HEAD", "other.yaml", cwd=repo).stdout.startswith("HEAD:other.yaml -> other.yaml: new map")


def test_invalid_side_is_reported_with_position(cjm, repo):
    (repo / "map.yaml").write_text(V3.replace("emotion: -1\n", "emotion: [oops]\n"))
    proc = cjm("diff", "HEAD", "map.yaml", cwd=repo)
    assert proc.returncode == 1
    assert "map.yaml:" in proc.stderr and "emotion" in proc.stderr
    line = next(x for x in proc.stderr.splitlines() if x.startswith("map.yaml:"))
    assert line.split(":")[1].isdigit() and line.split(":")[2].isdigit()
    # broken at the revision: the finding names REV:path
    git(repo, "commit", "-qam", "broken")
    (repo / "map.yaml").write_text(V3)
    proc = cjm("diff", "HEAD", "map.yaml", cwd=repo)
    assert proc.returncode == 1 and "HEAD:map.yaml:" in proc.stderr


@pytest.mark.parametrize("args, words", [
    (["no-such-rev", "map.yaml"], "neither an existing file nor a known git revision"),
    (["HEAD", "missing.yaml"], "no such file"),
    (["map.yaml", "missing.yaml"], "no such file"),
    (["map.yaml"], "exactly two"),
    ([], "give two maps"),
    (["--gap", "map.yaml"], "no `improves:`"),
])
def test_usage_errors(cjm, repo, args, words):
    proc = cjm("diff", *args, cwd=repo)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert words in proc.stderr


def test_not_a_git_repository(cjm, tmp_path):
    (tmp_path / "map.yaml").write_text(V1)
    proc = cjm("diff", "HEAD", "map.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "not inside a git repository" in proc.stderr


def test_project_maps_without_paths(cjm, repo):
    (repo / "cjm.yaml").write_text("cjm: 1\nmaps: ['*.yaml']\n")
    out = diff_json(cjm, "HEAD~1", cwd=repo)
    assert [d["new"]["file"] for d in out["files"]] == ["map.yaml"]


def test_gap_between_current_and_future(cjm):
    proc = cjm("diff", "--gap", "ecommerce-future.yaml", "-f", "json", cwd=EXAMPLES)
    assert proc.returncode == 0, proc.stderr
    g = json.loads(proc.stdout)
    assert g["format"] == "cjm-gap"
    assert g["current"]["file"] == "ecommerce-current.yaml"
    stages = {s["id"]: s for s in g["stages"]}
    assert list(stages) == ["awareness", "consideration", "purchase", "retention", "advocacy"]
    checkout = stages["purchase"]
    remaining = [p["id"] for p in checkout["pain_points"]["remaining"]]
    assert remaining == ["long-checkout"]
    assert "surprise-shipping" in [p["id"] for p in checkout["pain_points"]["resolved"]]
    for s in g["stages"]:
        for row in s["emotion"]:
            assert row["delta"] == round(row["future"] - row["current"], 2)
    total = sum(len(s["pain_points"]["resolved"]) for s in g["stages"])
    assert g["totals"]["resolved"] == total > 0
    text = cjm("diff", "--gap", "ecommerce-future.yaml", cwd=EXAMPLES).stdout
    assert text.startswith(f"ecommerce-current.yaml (current) -> ecommerce-future.yaml (future): {total} pain points")
    md = cjm("diff", "--gap", "ecommerce-future.yaml", "-f", "markdown", cwd=EXAMPLES).stdout
    assert "| Stage | Persona | Current | Future | Change |" in md and "| Purchase | resolved |" in md


# --- findings and changes through the reporters (issue 7) ---------------------------


def _pair(tmp_path):
    from conftest import MINIMAL_MAP

    (tmp_path / "old.yaml").write_text(MINIMAL_MAP)
    (tmp_path / "new.yaml").write_text(MINIMAL_MAP.replace("emotion: 1", "emotion: -2").replace(
        "        emotion: -2\n", "        emotion: -2\n      - id: pay\n        name: Pay\n        emotion: 1\n"))
    return tmp_path


def test_changes_as_notes_at_their_place_for_github_and_sarif(tmp_path, cjm):
    folder = _pair(tmp_path)
    ran = cjm("diff", "old.yaml", "new.yaml", "-f", "github", cwd=folder)
    assert ran.returncode == 0, ran
    lines = ran.stdout.splitlines()
    assert any(line.startswith("::notice file=new.yaml,line=14,col=18") and "shop" in line for line in lines), lines
    assert any(line.startswith("::notice file=new.yaml,line=15,") and "pay" in line for line in lines), lines
    sarif = json.loads(cjm("diff", "old.yaml", "new.yaml", "-f", "sarif", cwd=folder).stdout)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"CJM501"} and all(r["level"] == "note" for r in results)


def test_a_side_that_fails_the_schema_is_a_finding_in_every_format(tmp_path, cjm):
    folder = _pair(tmp_path)
    (folder / "new.yaml").write_text("cjm: 1\ntitle: T\nstages: nope\n")
    ran = cjm("diff", "old.yaml", "new.yaml", "-f", "json", cwd=folder)
    assert ran.returncode == 1
    assert json.loads(ran.stdout)["findings"][0]["code"] == "CJM203"
    ran = cjm("diff", "old.yaml", "new.yaml", "-f", "github", cwd=folder)
    assert ran.returncode == 1 and ran.stdout.startswith("::error file=new.yaml,line=3")
    ran = cjm("diff", "old.yaml", "new.yaml", cwd=folder)
    assert ran.returncode == 1 and "new.yaml:3:9: error CJM203" in ran.stderr


def test_a_pain_point_removed_with_its_touchpoint_is_not_closed(tmp_path, cjm):
    from conftest import MINIMAL_MAP

    pain = "        pain_points:\n          - {id: slow, title: Slow page}\n"
    with_step = MINIMAL_MAP + "      - id: pay\n        name: Pay\n" + pain
    (tmp_path / "old.yaml").write_text(with_step)
    (tmp_path / "new.yaml").write_text(MINIMAL_MAP)
    doc = json.loads(cjm("diff", "old.yaml", "new.yaml", "-f", "json", cwd=tmp_path).stdout)
    pains = doc["files"][0]["pain_points"]
    assert pains["closed"] == [] and [p["id"] for p in pains["removed"]] == ["slow"]
    text = cjm("diff", "old.yaml", "new.yaml", cwd=tmp_path).stdout
    assert "removed with its touchpoint pay: slow" in text and "closed" not in text


def test_a_new_touchpoint_brings_its_emotions(tmp_path, cjm):
    folder = _pair(tmp_path)
    doc = json.loads(cjm("diff", "old.yaml", "new.yaml", "-f", "json", cwd=folder).stdout)
    added = [e for e in doc["files"][0]["emotions"] if e["touchpoint"] == "pay"]
    assert added and all(e["direction"] == "added" and e["new"] == 1 for e in added)
