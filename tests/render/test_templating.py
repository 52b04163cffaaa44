"""Template overrides: a user's folder wins by file name, runs sandboxed, and a
broken or unsafe template is a clear usage error, never a traceback."""

from __future__ import annotations

from conftest import EXAMPLES, ROOT

MAP = str(EXAMPLES / "ecommerce-current.yaml")


def _override(tmp_path, text: str):
    folder = tmp_path / "tpl"
    (folder / "markdown").mkdir(parents=True)
    (folder / "markdown" / "map.md.j2").write_text(text)
    return folder


def test_override_by_file_name_wins(cjm, tmp_path):
    folder = _override(tmp_path, "# Custom: {{ map.title | md_text }}\n")
    proc = cjm("render", MAP, "-f", "md", "-o", "-", "--template-dir", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Custom: Stride")


def test_user_templates_are_sandboxed(cjm, tmp_path):
    folder = _override(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    proc = cjm("render", MAP, "-f", "md", "-o", "-", "--template-dir", str(folder))
    assert proc.returncode == 2
    assert "unsafe template" in proc.stderr and proc.stdout == ""


def test_a_broken_template_names_file_and_line(cjm, tmp_path):
    folder = _override(tmp_path, "ok\n{{ map.title \n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "ecommerce-current.md").write_text("previous")
    proc = cjm("render", MAP, "-f", "md", "-o", str(out), "--template-dir", str(folder))
    assert proc.returncode == 2
    assert "map.md.j2:2" in proc.stderr
    assert (out / "ecommerce-current.md").read_text() == "previous"


def test_documented_override_examples_render(cjm, tmp_path):
    for example in sorted(p for p in (ROOT / "templates").iterdir() if p.is_dir()):
        proc = cjm("render", MAP, "-f", "html", "-o", str(tmp_path), "--template-dir", str(example))
        assert proc.returncode == 0, (example, proc.stderr)
