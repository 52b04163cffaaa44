"""`cjm fmt` through the reporters: `--check` findings in text, json, github
and sarif alike, so CI sees unformatted files the way it sees other problems."""

from __future__ import annotations

import json

import pytest

UGLY = "title:   Minimal\ncjm: 1\nstages:\n- id: buy\n  name: Buy\n  touchpoints: [{id: shop, name: Shop}]\n"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "ugly.yaml").write_text(UGLY)
    (tmp_path / "broken.yaml").write_text("cjm: 1\ntitle: [unclosed\n")
    return tmp_path


def test_text(folder, cjm):
    ran = cjm("fmt", "--check", ".", cwd=folder)
    assert ran.returncode == 1
    assert "ugly.yaml:1:1: error CJM191 unformatted" in ran.stderr
    assert "broken.yaml:3:1: error CJM101 yaml-syntax" in ran.stderr
    assert "1 of 2 files would be reformatted, 1 could not be formatted" in ran.stderr
    assert (folder / "ugly.yaml").read_text() == UGLY


def test_json(folder, cjm):
    ran = cjm("fmt", "--check", "-f", "json", ".", cwd=folder)
    assert ran.returncode == 1
    doc = json.loads(ran.stdout)
    assert sorted((f["file"], f["code"]) for f in doc["findings"]) == [("broken.yaml", "CJM101"),
                                                                        ("ugly.yaml", "CJM191")]
    assert doc["summary"]["files"] == 2 and doc["summary"]["failed"] is True


def test_github_and_sarif(folder, cjm):
    ran = cjm("fmt", "--check", "-f", "github", ".", cwd=folder)
    assert "::error file=ugly.yaml,line=1,col=1,title=CJM191 unformatted::" in ran.stdout
    sarif = json.loads(cjm("fmt", "--check", "-f", "sarif", ".", cwd=folder).stdout)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"CJM101", "CJM191"}


def test_inside_github_actions_the_default_is_annotations(folder, cjm):
    ran = cjm("fmt", "--check", "ugly.yaml", cwd=folder, env={"GITHUB_ACTIONS": "true"})
    assert ran.stdout.startswith("::error file=ugly.yaml")


def test_stdin_to_stdout_keeps_findings_off_stdout(folder, cjm):
    ran = cjm("fmt", "-", "-f", "json", input="cjm: 1\ntitle: [unclosed\n", cwd=folder)
    assert ran.returncode == 1
    assert ran.stdout == "cjm: 1\ntitle: [unclosed\n"  # a filter never swallows its input
    assert json.loads(ran.stderr)["findings"][0]["code"] == "CJM101"


def test_a_byte_order_mark_is_kept_from_stdin_and_files(folder, cjm):
    bom = "\ufeff"
    ran = cjm("fmt", "-", input=(bom + UGLY).encode("utf-8"), cwd=folder)
    assert ran.stdout.startswith(bom + "cjm: 1\n")
    (folder / "bom.yaml").write_bytes((bom + UGLY).encode("utf-8"))
    cjm("fmt", "bom.yaml", cwd=folder)
    assert (folder / "bom.yaml").read_bytes().startswith(b"\xef\xbb\xbfcjm: 1\n")
