"""`cjm review`: the comment it posts, checked against a local stand-in for GitHub's (and
GitLab's) REST API that records every call: one comment, found by its marker across pages
and updated in place; nothing posted when nothing changed for the customer (a `cjm fmt`
edit included); never over GitHub's size limit."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from review_git import commit, git
from review_server import TOKEN, Server, StandIn
from site_helpers import generated_project

from cjm.authoring.diff import (GITHUB_LIMIT, comment_length, comment_marker, diff_maps, format_comment,
                                format_markdown)
from cjm.diagnostics.errors import UsageError
from cjm.pipeline.review import ReviewRequest, changes, review

@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "project", root)
    git(root, "init", "-q", "-b", "main")
    commit(root, "the maps")
    monkeypatch.chdir(root)
    return root


def env_for(api: StandIn, repo: Path, base: str, tmp_path: Path) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": api.number, "base": {"sha": base}}}))
    return {"GITHUB_API_URL": api.url, "GITHUB_REPOSITORY": api.repository, "GITHUB_TOKEN": TOKEN,
            "GITHUB_EVENT_PATH": str(event), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "99", "GITHUB_SHA": "f" * 40}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BOOKING = Path("maps/booking.yaml")


def test_nothing_changed_nothing_posted(repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    with Server() as api:
        result = review(ReviewRequest(env=env_for(api, repo, base, tmp_path)))
    assert (result.changed, result.action) == (False, "nothing-to-post")
    assert api.writes() == [] and api.comments == []
    assert [m for m, _p in api.calls] == ["GET"]  # only looked for an earlier comment
    assert "No changes for the customer" in (tmp_path / "summary.md").read_text()


def test_a_cjm_fmt_only_edit_posts_nothing(repo, tmp_path, cjm):
    # The base holds the map in another layout: keys reordered, flow lists in block style, other quotes.
    booking = repo / BOOKING
    text = booking.read_text(encoding="utf-8")
    messy = text.replace("tags: [travel, booking, as-is]", "tags:\n  - 'travel'\n  - \"booking\"\n  - as-is") \
                .replace("personas: [family-planner, business-traveller]",
                         "personas:\n    - family-planner\n    - business-traveller")
    messy = re.sub(r"^(title: .*)\n(goal: .*)$", r"\2\n\1", messy, count=1, flags=re.M)
    assert messy != text
    booking.write_text(messy, encoding="utf-8")
    assert cjm("validate", cwd=repo).returncode == 0
    base = commit(repo, "messy layout")
    assert cjm("fmt", cwd=repo).returncode == 0
    assert booking.read_text(encoding="utf-8") != messy, "cjm fmt changed the layout"
    with Server() as api:
        result = review(ReviewRequest(env=env_for(api, repo, base, tmp_path)))
    assert result.changed is False and result.action == "nothing-to-post"
    assert api.writes() == []
    assert all(d["summary"]["changes"] == 0 for d in result.diffs)


def test_one_comment_created_then_updated_in_place_then_told_nothing_changed(repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    with Server() as api:
        for i in range(150):  # other people's comments: the marker is on the second page
            api.add(f"comment {i}")
        env = env_for(api, repo, base, tmp_path)
        edit(repo / BOOKING, "emotion: {family-planner: 2}", "emotion: {family-planner: -1}")
        first = review(ReviewRequest(env=env))
        assert first.action == "created" and first.changed
        assert api.writes() == [("POST", f"/repos/{api.repository}/issues/{api.number}/comments")]
        ours = [c for c in api.comments if c.body.startswith(comment_marker())]
        assert len(ours) == 1 and "1 emotion worse" in ours[0].body
        api.calls.clear()
        edit(repo / BOOKING, "severity: medium", "severity: critical")  # another push
        second = review(ReviewRequest(env=env))
        assert second.action == "updated"
        assert api.writes() == [("PATCH", f"/repos/{api.repository}/issues/comments/{ours[0].id}")]
        gets = [path for method, path in api.calls if method == "GET"]
        assert len(gets) == 2 and gets[1].endswith("page=2")  # followed the Link header to the next page
        assert len([c for c in api.comments if c.body.startswith(comment_marker())]) == 1
        assert "severity changed" in ours[0].body
        git(repo, "checkout", "-q", "--", ".")  # the push that undoes it all
        api.calls.clear()
        third = review(ReviewRequest(env=env))
        assert third.action == "updated" and not third.changed
        assert "No changes for the customer" in ours[0].body
        assert len(api.comments) == 151


def test_each_key_keeps_its_own_comment(repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    edit(repo / BOOKING, "emotion: {family-planner: 2}", "emotion: {family-planner: 1}")
    with Server() as api:
        env = env_for(api, repo, base, tmp_path)
        review(ReviewRequest(env=env, key="travel"))
        review(ReviewRequest(env=env, key="support"))
        review(ReviewRequest(env=env, key="travel"))
        assert [m for m, _p in api.writes()] == ["POST", "POST", "PATCH"]
        assert len(api.comments) == 2


def test_the_comment_is_escaped_map_text_cannot_ping_or_close_the_details(repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    edit(repo / BOOKING, "title: No way to filter hotels by a company's travel policy",
         'title: "@octocat </details><script>alert(1)</script> fixes #12 [x](javascript:alert(1))"')
    with Server() as api:
        review(ReviewRequest(env=env_for(api, repo, base, tmp_path)))
        body = api.comments[0].body
    assert "@octocat" not in body and "@\u200boctocat" in body
    assert "#12" not in body and "#\u200b12" in body  # no link to issue 12
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "\\[x\\](javascript:" in body  # shown as text, not a link
    assert body.count("<details>") == body.count("</details>") == 1


def test_a_deleted_map_shows_as_removed(repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    (repo / "maps" / "post-trip-support.yaml").unlink()
    found = changes(base)
    gone = [d for d in found if not d["new"]["exists"]]
    assert [d["old"]["file"] for d in gone] == [f"{base}:maps/post-trip-support.yaml"]
    with Server() as api:
        result = review(ReviewRequest(env=env_for(api, repo, base, tmp_path)))
    assert "map removed" in result.body


def test_a_huge_diff_stays_under_the_limit_and_links_the_summary_with_everything(tmp_path, monkeypatch):
    root = generated_project(tmp_path / "repo", maps=80)
    monkeypatch.chdir(root)
    git(root, "init", "-q", "-b", "main")
    base = commit(root)
    personas = "|".join(p[0] for p in __import__("site_helpers").portfolio_module().PERSONAS)
    for path in sorted((root / "maps").rglob("*.yaml")):  # every emotion of every map moves
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"^(\s+(?:{personas})): (-?\d)$", lambda m: f"{m.group(1)}: {-int(m.group(2)) or 1}",
                               text, flags=re.M), encoding="utf-8")
    with Server() as api:
        result = review(ReviewRequest(env=env_for(api, root, base, tmp_path)))
        body = api.comments[0].body
    assert len(result.summary) > 3 * GITHUB_LIMIT  # the whole diff would never fit
    assert comment_length(body) <= GITHUB_LIMIT
    assert "This comment is cut to stay under GitHub's 65,536-character limit" in body
    assert "[job summary](<https://github.example/acme/journeys/actions/runs/99>)" in body
    assert body.count("<details>") == body.count("</details>") >= 1
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary == result.summary and summary.count("#### maps/") == 80


def test_gitlab_notes_are_found_across_pages_and_updated_in_place(repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    edit(repo / BOOKING, "emotion: {family-planner: 2}", "emotion: {family-planner: 0}")
    with Server(StandIn(per_page_cap=20)) as api:
        for i in range(30):
            api.add(f"note {i}")
        env = {"CI_API_V4_URL": api.url, "CI_PROJECT_ID": api.project, "CI_MERGE_REQUEST_IID": str(api.number),
               "CJM_GITLAB_TOKEN": TOKEN, "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
               "CI_JOB_URL": "https://gitlab.example/acme/journeys/-/jobs/5"}
        first = review(ReviewRequest(host="gitlab", summary=tmp_path / "cjm-diff.md", env=env))
        second = review(ReviewRequest(host="gitlab", summary=tmp_path / "cjm-diff.md", env=env))
        notes = f"/projects/{api.project}/merge_requests/{api.number}/notes"
        assert (first.action, second.action) == ("created", "updated")
        assert [(m, p.split("?")[0]) for m, p in api.writes()] == [("POST", notes), ("PUT", f"{notes}/{api.comments[-1].id}")]
        assert "/-/jobs/5/artifacts/file/cjm-diff.md" in api.comments[-1].body


def test_a_missing_token_is_said_before_any_work(repo, tmp_path):
    base = git(repo, "rev-parse", "HEAD")
    with Server() as api:
        env = env_for(api, repo, base, tmp_path)
        del env["GITHUB_TOKEN"]
        with pytest.raises(UsageError, match="GITHUB_TOKEN"):
            review(ReviewRequest(env=env))
        assert api.calls == []


def test_a_refusing_api_is_an_environment_problem(repo, tmp_path):
    from cjm.pipeline.review import ApiError

    base = git(repo, "rev-parse", "HEAD")
    with Server() as api:
        env = {**env_for(api, repo, base, tmp_path), "GITHUB_TOKEN": "wrong"}
        with pytest.raises(ApiError, match="401"):
            review(ReviewRequest(env=env))


def test_pictures_degrade_when_png_is_not_available(repo, tmp_path):
    from cjm.pipeline.review import pictures
    from cjm.render import RENDERERS

    base = git(repo, "rev-parse", "HEAD")
    edit(repo / BOOKING, "emotion: {family-planner: 2}", "emotion: {family-planner: 1}")
    result = pictures(base, tmp_path / "pictures", env={})
    if "png" not in RENDERERS:
        assert result.written == [] and "cannot export PNG" in result.note
    else:  # the PNG export is here: before and after of the one changed map
        assert sorted(p.parent.name for p in result.written) == ["after", "before"] or result.note


# --- the comment format (`cjm diff -f comment`, cjm.authoring.diff) --------------------------

GOLDEN = ROOT / "tests" / "golden" / "comment"


def model(path: Path):
    from cjm.pipeline.diff import load_model

    m, findings = load_model(path.name, path)
    assert not findings
    return m


def example_diff():
    return diff_maps(model(EXAMPLES / "ecommerce-current.yaml"), model(EXAMPLES / "ecommerce-future.yaml"),
                     "ecommerce-current.yaml", "ecommerce-future.yaml")


def test_the_comment_matches_its_golden_file(update_golden):
    text = format_comment([example_diff()], summary_url="https://github.com/acme/journeys/actions/runs/1",
                          pictures_url="https://github.com/acme/journeys/actions/runs/1/artifacts/2",
                          pictures=["after/ecommerce-future.png", "before/ecommerce-future.png"], revision="abc1234")
    golden = GOLDEN / "ecommerce.md"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_counts_come_first_and_details_are_collapsed():
    text = format_comment([example_diff()])
    lines = text.splitlines()
    assert lines[0] == comment_marker() == "<!-- cjm-review:cjm -->"
    assert lines[3].startswith("**110 changes for the customer in 1 map** · ▲ 23 emotions better")
    assert text.index("| Map | Changes | Summary |") < text.index("<details>")
    assert text.count("<details>") == text.count("</details>") == 1


def test_no_changes_says_so():
    same = diff_maps(model(EXAMPLES / "ecommerce-current.yaml"), model(EXAMPLES / "ecommerce-current.yaml"))
    text = format_comment([same], key="shop")
    assert text.startswith("<!-- cjm-review:shop -->\n") and "No changes for the customer in 1 map" in text
    assert comment_marker("a b<c>") == "<!-- cjm-review:a-b-c- -->"


def test_a_comment_too_long_is_cut_at_a_line_closed_and_says_where_the_rest_is():
    diffs = [example_diff() for _ in range(12)]
    for i, d in enumerate(diffs):
        d["new"] = {**d["new"], "file": f"maps/shop-{i:02d}.yaml"}
    assert comment_length(format_markdown(diffs)) > GITHUB_LIMIT
    for limit in (GITHUB_LIMIT, 20_000, 5_000):
        text = format_comment(diffs, max_chars=limit, summary_url="https://ci.example/run/1")
        assert comment_length(text) <= limit
        assert text.count("<details>") == text.count("</details>")
        assert f"cut to stay under GitHub's {limit:,}-character limit" in text
        assert "[job summary](<https://ci.example/run/1>)" in text
        assert text.rstrip().endswith("</sub>")


def test_emoji_count_twice_as_github_counts_them():
    assert comment_length("ab") == 2 and comment_length("😀") == 2 and comment_length("é") == 1


def test_links_that_are_not_http_are_not_linked():
    text = format_comment([example_diff()], summary_url="javascript:alert(1)", pictures_url="file:///etc/passwd")
    assert "javascript:" not in text and "file://" not in text
