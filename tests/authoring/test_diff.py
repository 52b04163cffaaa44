"""The pull-request comment format (`cjm diff -f comment`): a golden file, the size limit, escaping."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES, ROOT

from cjm.authoring.diff import (GITHUB_LIMIT, comment_length, comment_marker, diff_maps, format_comment,
                                format_markdown)

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
