"""The render stage: what it writes, where it refuses to write, and that a
failed run leaves every existing file as it was (issue 8: environment and
usage errors, symbolic links planted in the output folder)."""

from __future__ import annotations

import errno
import os
import tempfile

import pytest
from conftest import MINIMAL_MAP

from cjm.diagnostics.errors import UsageError
from cjm.pipeline.render import RenderRequest, render_maps


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "shop.yaml").write_text(MINIMAL_MAP)
    return tmp_path


def test_renders_in_memory_then_writes_every_default_format(shop, cjm):
    ran = cjm("render", "shop.yaml", "-o", "out", cwd=shop)
    assert ran.returncode == 0, ran
    assert sorted(p.name for p in (shop / "out").iterdir()) == ["shop.html", "shop.md", "shop.svg"]
    again = cjm("render", "shop.yaml", "-o", "out", cwd=shop)
    assert "3 file(s) unchanged" in again.stderr


def test_a_planted_link_in_the_output_folder_is_refused_and_nothing_written(shop, cjm):
    out = shop / "out"
    out.mkdir()
    victim = shop / "elsewhere.txt"
    victim.write_text("precious")
    (out / "shop.md").symlink_to(victim)
    ran = cjm("render", "shop.yaml", "-o", "out", cwd=shop)
    assert ran.returncode == 2, ran
    assert "symbolic link" in ran.stderr and "nothing was written" in ran.stderr
    assert victim.read_text() == "precious"
    assert sorted(p.name for p in out.iterdir()) == ["shop.md"]  # not even the svg and html


def test_a_dangling_link_makes_no_folder_anywhere(shop, cjm):
    out = shop / "out"
    out.mkdir()
    (out / "shop.svg").symlink_to(shop / "far" / "away" / "x.svg")
    ran = cjm("render", "shop.yaml", "-o", "out", cwd=shop)
    assert ran.returncode == 2
    assert not (shop / "far").exists()


def test_out_must_be_a_folder(shop, cjm):
    (shop / "file.txt").write_text("x")
    ran = cjm("render", "shop.yaml", "-o", "file.txt", cwd=shop)
    assert ran.returncode == 2 and "is a file" in ran.stderr and "-o takes the folder" in ran.stderr
    ran = cjm("render", "shop.yaml", "-o", "file.txt/sub", cwd=shop)
    assert ran.returncode == 2 and "file.txt is a file" in ran.stderr
    assert (shop / "file.txt").read_text() == "x"


@pytest.mark.parametrize("code,exit_code,words", [
    (errno.EACCES, 3, "permission denied"),
    (errno.EROFS, 3, "read-only"),
    (errno.ENOSPC, 3, "no space left"),
])
def test_the_machine_refusing_a_write_is_exit_3_and_keeps_old_files(shop, cjm, monkeypatch, code, exit_code, words):
    out = shop / "out"
    assert cjm("render", "shop.yaml", "-o", "out", cwd=shop).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (shop / "shop.yaml").write_text(MINIMAL_MAP.replace("title: Minimal", "title: Changed"))
    real = tempfile.mkstemp
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first file is staged, the second cannot be
            raise OSError(code, os.strerror(code), str(out / "shop.md"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", failing)
    ran = cjm("render", "shop.yaml", "-o", "out", cwd=shop)
    monkeypatch.undo()
    assert ran.returncode == exit_code, ran
    assert words in ran.stderr and "left as they were" in ran.stderr
    assert "internal error" not in ran.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_stdout_takes_one_file(shop, cjm):
    ran = cjm("render", "shop.yaml", "-o", "-", cwd=shop)  # the default formats: three files
    assert ran.returncode == 2 and "would write 3" in ran.stderr and ran.stdout == ""
    ran = cjm("render", "shop.yaml", "-f", "svg,md", "-o", "-", cwd=shop)
    assert ran.returncode == 2
    ran = cjm("render", "shop.yaml", "-f", "mermaid", "-o", "-", cwd=shop)
    assert ran.returncode == 0 and ran.stdout.startswith("journey")


def test_a_map_from_stdin_goes_to_stdout(shop, cjm):
    ran = cjm("render", "-", "-f", "mermaid", input=MINIMAL_MAP, cwd=shop)
    assert ran.returncode == 0 and ran.stdout.startswith("journey")
    assert not any(p.name.startswith("<stdin>") for p in shop.rglob("*"))
    ran = cjm("render", "-", "-f", "svg", "-o", "out", input=MINIMAL_MAP, cwd=shop)
    assert ran.returncode == 2 and "standard input" in ran.stderr and not (shop / "out").exists()


def test_a_map_with_errors_keeps_its_old_outputs(shop, cjm):
    assert cjm("render", "shop.yaml", "-o", "out", cwd=shop).returncode == 0
    before = (shop / "out" / "shop.svg").read_bytes()
    (shop / "shop.yaml").write_text(MINIMAL_MAP.replace("emotion: 1", "emotion: 9"))
    ran = cjm("render", "shop.yaml", "-o", "out", cwd=shop)
    assert ran.returncode == 1 and "CJM307" in ran.stderr
    assert (shop / "out" / "shop.svg").read_bytes() == before


def test_check_writes_nothing_and_lists_stale_files(shop, cjm):
    ran = cjm("render", "shop.yaml", "-o", "out", "--check", cwd=shop)
    assert ran.returncode == 1 and ran.stderr.count("would change:") == 3 and not (shop / "out").exists()


def test_stage_without_the_command_line(shop, monkeypatch):
    monkeypatch.chdir(shop)
    result = render_maps(RenderRequest(["shop.yaml"], ["mermaid", "json"], out="out"))
    assert [o.fmt for o in result.outputs] == ["mermaid", "json"]
    assert [o.path.name for o in result.outputs] == ["shop.mmd", "shop.json"]
    assert not (shop / "out").exists()  # the stage renders; writing is write_outputs' job
    with pytest.raises(UsageError, match="no persona"):
        render_maps(RenderRequest(["shop.yaml"], ["svg"], out="out", persona="nobody"))


def test_two_maps_with_one_name_do_not_overwrite_each_other(tmp_path, cjm):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "shop.yaml").write_text(MINIMAL_MAP)
    ran = cjm("render", "a/shop.yaml", "b/shop.yaml", "-o", "out", cwd=tmp_path)
    assert ran.returncode == 2 and "would both render to" in ran.stderr
