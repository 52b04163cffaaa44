"""The fmt stage without the command line: files rewritten in the canonical
layout, --check and --diff that write nothing, stdin to stdout, and every
problem as a finding (the layout itself: tests/authoring/test_formatter.py)."""

from __future__ import annotations

import errno
import io
import os
import sys
from pathlib import Path

import pytest

from cjm.diagnostics.errors import CjmError
from cjm.diagnostics.exits import ExitCode
from cjm.pipeline.fmt import FmtRequest, FmtResult, fmt
from conftest import MINIMAL_MAP

# MINIMAL_MAP with its keys out of order (title before cjm, goal last).
MESSY = MINIMAL_MAP.replace("cjm: 1\ntitle: Minimal\ngoal: Buy a thing\n", "title: Minimal\ncjm: 1\n") \
    + "goal: Buy a thing\n"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clean.yaml").write_text(MINIMAL_MAP)
    (tmp_path / "messy.yaml").write_text(MESSY)
    return tmp_path


def stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_rewrites_what_is_not_in_the_layout_and_leaves_the_rest(folder):
    os.utime(folder / "clean.yaml", ns=(10**9, 10**9))
    result = fmt(FmtRequest(["."]))
    assert isinstance(result, FmtResult)
    assert [(f.path, f.changed, f.ok, f.stdin) for f in result.files] == [
        ("clean.yaml", False, True, False), ("messy.yaml", True, True, False)]
    assert (result.changed, result.failed, result.stdout) == (1, 0, "")
    assert (folder / "messy.yaml").read_text() == MINIMAL_MAP
    assert (folder / "clean.yaml").stat().st_mtime_ns == 10**9  # not touched at all
    assert result.report.findings == []


def test_formatting_twice_changes_nothing_the_second_time(folder):
    fmt(FmtRequest(["."]))
    assert fmt(FmtRequest(["."])).changed == 0


def test_check_writes_nothing_and_reports_where_the_file_first_differs(folder):
    result = fmt(FmtRequest(["."], check=True))
    assert (folder / "messy.yaml").read_text() == MESSY
    assert result.changed == 1 and result.failed == 0
    (f,) = result.report.findings
    assert (f.code, f.rule, str(f.span)) == ("CJM191", "unformatted", "messy.yaml:1:1")
    assert "cjm fmt --diff" in f.hint


def test_check_points_at_the_first_line_that_differs(folder):
    later = MINIMAL_MAP.replace("    name: Sam\n", "    name:   Sam\n")
    (folder / "later.yaml").write_text(later)
    (f,) = fmt(FmtRequest(["later.yaml"], check=True)).report.findings
    assert f.span.line == later.splitlines().index("    name:   Sam") + 1


def test_check_when_only_the_final_newline_is_missing_points_at_the_last_line(folder):
    (folder / "short.yaml").write_text(MINIMAL_MAP.rstrip("\n"))
    result = fmt(FmtRequest(["short.yaml"], check=True))
    (f,) = result.report.findings
    assert result.changed == 1 and f.span.line == len(MINIMAL_MAP.splitlines())


def test_diff_writes_nothing_and_returns_a_unified_diff(folder):
    result = fmt(FmtRequest(["messy.yaml", "clean.yaml"], diff=True))
    assert (folder / "messy.yaml").read_text() == MESSY
    assert result.stdout.startswith("--- a/messy.yaml\n+++ b/messy.yaml\n@@")
    assert "-goal: Buy a thing\n" in result.stdout and "+goal: Buy a thing\n" in result.stdout
    assert "clean.yaml" not in result.stdout
    assert result.report.findings == []  # --diff alone is not a failure


def test_stdin_goes_to_stdout(folder, monkeypatch):
    stdin(monkeypatch, MESSY.encode())
    result = fmt(FmtRequest(["-"]))
    assert result.stdout == MINIMAL_MAP
    assert [(f.path, f.stdin, f.changed) for f in result.files] == [("<stdin>", True, True)]


def test_a_byte_order_mark_is_kept(folder, monkeypatch):
    (folder / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + MESSY.encode())
    fmt(FmtRequest(["bom.yaml"]))
    assert (folder / "bom.yaml").read_bytes() == b"\xef\xbb\xbf" + MINIMAL_MAP.encode()
    stdin(monkeypatch, b"\xef\xbb\xbf" + MESSY.encode())
    assert fmt(FmtRequest(["-"])).stdout == "\ufeff" + MINIMAL_MAP


@pytest.mark.parametrize("check, diff", [(False, False), (True, False), (False, True)])
def test_broken_stdin_is_passed_through_only_as_a_filter(folder, monkeypatch, check, diff):
    """An editor pipes the buffer through `cjm fmt -`: a file it cannot format comes back as it was."""
    broken = "cjm: 1\ntitle: [unclosed\n"
    stdin(monkeypatch, broken.encode())
    result = fmt(FmtRequest(["-"], check=check, diff=diff))
    assert result.stdout == ("" if check or diff else broken)
    assert result.failed == 1 and [f.code for f in result.report.findings] == ["CJM101"]


def test_undecodable_stdin_is_passed_through_too(folder, monkeypatch):
    stdin(monkeypatch, b"cjm: 1\ntitle: caf\xe9\n")
    result = fmt(FmtRequest(["-"]))
    assert result.failed == 1 and [f.code for f in result.report.findings] == ["CJM103"]
    assert result.stdout == "cjm: 1\ntitle: caf\ufffd\n"


@pytest.mark.parametrize("content, code", [
    ("cjm: 1\ntitle: [unclosed\n", "CJM101"),
    ("cjm: 1\ncjm: 1\n", "CJM102"),
    (b"cjm: 1\ntitle: caf\xe9\n", "CJM103"),
])
def test_a_file_that_cannot_be_formatted_is_left_as_it_is(folder, content, code):
    path = folder / "broken.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = path.read_bytes()
    result = fmt(FmtRequest(["broken.yaml", "messy.yaml"]))
    assert path.read_bytes() == before
    assert (folder / "messy.yaml").read_text() == MINIMAL_MAP  # the other file is still formatted
    assert result.failed == 1 and result.changed == 1
    assert [f.code for f in result.report.findings] == [code]
    assert [r.file for r in result.report.reports] == ["broken.yaml", "messy.yaml"]


def test_an_unreadable_file_is_a_finding(folder):
    os.mkfifo(folder / "pipe.yaml")
    result = fmt(FmtRequest(["pipe.yaml"]))
    (f,) = result.report.findings
    assert (f.code, str(f.span)) == ("CJM107", "pipe.yaml:1:1") and "named pipe" in f.message
    assert result.failed == 1


def test_a_failed_write_changes_no_file_and_says_whose_problem_it_is(folder, monkeypatch):
    from cjm.infra import files

    def full_disk(self):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "messy.yaml"))

    monkeypatch.setattr(files.OutputSet, "commit", full_disk)
    with pytest.raises(CjmError) as caught:
        fmt(FmtRequest(["messy.yaml"]))
    assert caught.value.exit_code is ExitCode.ENVIRONMENT
    assert "no space left" in caught.value.message
    assert (folder / "messy.yaml").read_text() == MESSY


def test_a_linked_map_formats_its_target_and_the_link_stays(folder):
    (folder / "link.yaml").symlink_to("messy.yaml")
    fmt(FmtRequest(["link.yaml"]))
    assert (folder / "link.yaml").is_symlink()
    assert (folder / "messy.yaml").read_text() == MINIMAL_MAP


def test_the_stage_never_prints(folder, capsys):
    fmt(FmtRequest(["."], diff=True))
    fmt(FmtRequest(["."], check=True))
    assert capsys.readouterr() == ("", "")
