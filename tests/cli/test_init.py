"""cjm init as a user runs it: every template x type validates clean, is already
formatted and renders, and the command never overwrites files by accident
(the stage: tests/pipeline/test_init.py; the content: tests/authoring/starters/)."""

from __future__ import annotations

import pytest

TEMPLATES = ("ecommerce", "retail", "travel", "banking", "b2b-saas")
TYPES = ("current-state", "future-state", "day-in-the-life", "service-blueprint")
DATE = "2026-10-01"


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    """One initialised project per template x type, written in-process with the
    command's own plan (20 subprocesses would be slow; the CLI path is tested below)."""
    import datetime as dt

    from cjm.pipeline.init import plan
    from cjm.infra.files import atomic_write

    root = tmp_path_factory.mktemp("init")
    out = {}
    for template in TEMPLATES:
        for kind in TYPES:
            folder = root / f"{template}-{kind}"
            for path, content in plan(folder, template, kind, dt.date.fromisoformat(DATE), False).items():
                atomic_write(path, content)
            out[template, kind] = folder
    return out


def test_every_template_and_type_validates_strict(projects, cjm):
    proc = cjm("validate", "--strict", *[str(p) for p in projects.values()])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "error" not in proc.stdout and "warning" not in proc.stdout


def test_every_starter_is_already_formatted(projects, cjm):
    proc = cjm("fmt", "--check", *[str(p) for p in projects.values()])
    assert proc.returncode == 0, proc.stderr
    assert "0 of 25 files would be reformatted" in proc.stderr  # 20 maps + 5 future-state current maps


def test_output_is_deterministic(tmp_path, cjm):
    for name in ("a", "b"):
        assert cjm("init", "--no-git", str(tmp_path / name), "-t", "travel", "--type", "future-state",
                   "--date", DATE).returncode == 0
    for rel in ("cjm.yaml", "maps/travel-current-state.yaml", "maps/travel-future-state.yaml"):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_never_overwrites_without_force(tmp_path, cjm):
    assert cjm("init", "--no-git", str(tmp_path), "--date", DATE).returncode == 0
    target = tmp_path / "maps" / "ecommerce-current-state.yaml"
    target.write_text("cjm: 1\n# mine\n")
    proc = cjm("init", "--no-git", str(tmp_path), "--date", DATE)
    assert proc.returncode == 2
    assert "already exist" in proc.stderr and "--force" in proc.stderr
    assert target.read_text() == "cjm: 1\n# mine\n"
    # a new file of another type is not written either when one file exists
    proc = cjm("init", "--no-git", str(tmp_path), "--type", "future-state", "--date", DATE)
    assert proc.returncode == 2 and not (tmp_path / "maps" / "ecommerce-future-state.yaml").exists()
    assert cjm("init", "--no-git", str(tmp_path), "--date", DATE, "--force").returncode == 0
    assert "# mine" not in target.read_text()


def test_schema_file_for_offline_use(tmp_path, cjm):
    from cjm.pipeline import schemas as schema

    assert cjm("init", "--no-git", str(tmp_path), "--schema-file", "--date", DATE).returncode == 0
    local = tmp_path / "maps" / "cjm.schema.json"
    assert local.read_text() == schema.dumps(schema.map_schema())
    first = (tmp_path / "maps" / "ecommerce-current-state.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=cjm.schema.json"
    assert (tmp_path / "cjm-config.schema.json").is_file()
    assert cjm("validate", "--strict", str(tmp_path)).returncode == 0


def test_default_date_is_today_and_bad_date_is_a_usage_error(tmp_path, cjm):
    import datetime as dt

    assert cjm("init", "--no-git", str(tmp_path / "x")).returncode == 0
    assert f"reviewed: {dt.date.today().isoformat()}" in (tmp_path / "x/maps/ecommerce-current-state.yaml").read_text()
    proc = cjm("init", "--no-git", str(tmp_path / "y"), "--date", "01/10/2026")
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr
    proc = cjm("init", "--no-git", str(tmp_path / "z"), "--template", "insurance")
    assert proc.returncode == 2


def test_git_by_default_and_what_is_next(tmp_path, cjm):
    """(The tests above pass --no-git: git is not their point.)"""
    import shutil

    ran = cjm("init", str(tmp_path / "p"), "--date", DATE)
    assert ran.returncode == 0 and ran.stdout == ""
    assert "wrote " + (tmp_path / "p" / "cjm.yaml").as_posix() in ran.stderr
    if shutil.which("git"):
        assert "initialised a git repository" in ran.stderr and (tmp_path / "p" / ".git").is_dir()
    assert f"next: cd {(tmp_path / 'p').as_posix()} && cjm validate" in ran.stderr
    quiet = cjm("-q", "init", "--no-git", str(tmp_path / "q"), "--date", DATE)
    assert quiet.returncode == 0 and quiet.stderr == "" and not (tmp_path / "q" / ".git").exists()


def test_every_template_and_type_renders_in_every_format(projects, tmp_path):
    """The starters are meant to be rendered straight away: every format, every
    template x type, through the same pipeline as `cjm render`."""
    import shutil
    import xml.etree.ElementTree as ET

    from cjm.pipeline.render import RenderRequest, render_maps, write_outputs

    formats = ["svg", "md", "html", "mermaid", "json", "dot"]
    if shutil.which("dot"):
        formats.append("flow")
    for (template, kind), folder in projects.items():
        out = tmp_path / f"{template}-{kind}"
        result = render_maps(RenderRequest([str(folder)], formats, str(out)))
        assert not result.reports, (template, kind, [f.message for r in result.reports for f in r.findings])
        write_outputs(result, check=False)
        maps = {o.source for o in result.outputs}
        assert len(maps) == (2 if kind == "future-state" else 1), maps
        assert {o.fmt for o in result.outputs} == set(formats)
        for output in result.outputs:
            text = output.path.read_text(encoding="utf-8")
            assert text.strip(), output.path
            if output.path.suffix == ".svg":
                ET.fromstring(text)  # well-formed XML
            if output.fmt == "html":
                assert "Content-Security-Policy" in text
