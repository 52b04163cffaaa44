"""`cjm review` and `cjm diff -f comment` on the command line, and the action that runs them."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from ruamel.yaml import YAML

from conftest import EXAMPLES, ROOT
from review_server import TOKEN, Server

from review_git import commit, git


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "project", root)
    git(root, "init", "-q", "-b", "main")
    commit(root, "maps")
    return root


def test_diff_comment_format(cjm):
    ran = cjm("diff", "examples/ecommerce-current.yaml", "examples/ecommerce-future.yaml", "-f", "comment",
              "--summary-url", "https://ci.example/run/1", cwd=ROOT)
    assert ran.returncode == 0
    assert ran.stdout.startswith("<!-- cjm-review:cjm -->\n### 🗺️ Journey map changes\n")
    assert "[job summary](<https://ci.example/run/1>)" in ran.stdout
    wrong = cjm("diff", "examples/ecommerce-current.yaml", "examples/ecommerce-future.yaml", "--summary-url", "x",
                cwd=ROOT)
    assert wrong.returncode == 2 and "-f comment" in wrong.stderr


def test_print_the_comment_without_posting(cjm, repo):
    base = git(repo, "rev-parse", "HEAD")
    booking = repo / "maps" / "booking.yaml"
    booking.write_text(booking.read_text().replace("emotion: {family-planner: 2}", "emotion: {family-planner: -2}", 1))
    ran = cjm("review", "comment", "--host", "none", "--base", base, cwd=repo)
    assert ran.returncode == 0, ran
    assert ran.stdout.startswith("<!-- cjm-review:cjm -->")
    assert "1 of 2 map(s) changed for the customer; not posted (--host none)" in ran.stderr


def test_post_to_github_and_report_step_outputs(cjm, repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    booking = repo / "maps" / "booking.yaml"
    booking.write_text(booking.read_text().replace("emotion: {family-planner: 2}", "emotion: {family-planner: 1}", 1))
    outputs = tmp_path / "outputs.txt"
    event = tmp_path / "event.json"
    with Server() as api:
        event.write_text(json.dumps({"pull_request": {"number": api.number, "base": {"sha": base}}}))
        env = {"GITHUB_API_URL": api.url, "GITHUB_REPOSITORY": api.repository, "GITHUB_TOKEN": TOKEN,
               "GITHUB_EVENT_PATH": str(event), "GITHUB_OUTPUT": str(outputs),
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
        ran = cjm("-v", "review", "comment", cwd=repo, env=env)
        assert ran.returncode == 0, ran
        assert "posted a comment: https://github.example/c/" in ran.stderr
        assert f"  GET /repos/{api.repository}/issues/{api.number}/comments?per_page=100" in ran.stderr
        assert len(api.comments) == 1
        again = cjm("review", "comment", cwd=repo, env=env)
        assert "updated the comment" in again.stderr and len(api.comments) == 1
    assert "changed=true" in outputs.read_text() and "comment-url=https://github.example/c/" in outputs.read_text()
    assert "#### Emotions" in (tmp_path / "summary.md").read_text()


def test_a_refused_token_exits_3(cjm, repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    with Server() as api:
        env = {"GITHUB_API_URL": api.url, "GITHUB_REPOSITORY": api.repository, "GITHUB_TOKEN": "read-only",
               "CJM_PR_NUMBER": "7"}
        ran = cjm("review", "comment", "--base", base, cwd=repo, env=env)
    assert ran.returncode == 3 and "401" in ran.stderr


def test_pictures_never_stop_the_review(cjm, repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    ran = cjm("review", "pictures", "--base", base, "-o", str(tmp_path / "pictures"), cwd=repo)
    assert ran.returncode == 0, ran
    assert "picture(s) in" in ran.stderr


def test_usage_errors(cjm, repo):
    wrong = cjm("review", "comment", "--host", "githb", "--base", "HEAD", cwd=repo)
    assert wrong.returncode == 2 and "did you mean 'github'?" in wrong.stderr
    assert cjm("review", "comment", "--host", "none", "--base", "no-such-rev", cwd=repo).returncode == 2
    assert cjm("review", "comment", "--host", "none", cwd=repo).returncode == 2  # no base anywhere


# --- the action ---------------------------------------------------------------------------------


def test_the_action_is_a_composite_that_installs_cjm_from_its_own_checkout():
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert 'pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in runs
    assert "cjm validate -f github" in runs
    assert 'cjm review pictures --base "$BASE"' in runs and 'cjm review comment "${args[@]}"' in runs
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert set(action["inputs"]) >= {"working-directory", "base", "github-token", "validate", "comment", "pictures",
                                     "fail-on-findings", "key", "python-version"}
    assert set(action["outputs"]) == {"changed", "comment-url", "valid"}
    # No ${{ … }} inside a script: inputs reach scripts through env (no script injection).
    for step in steps:
        assert not re.search(r"\$\{\{", step.get("run", "")), step.get("name")
