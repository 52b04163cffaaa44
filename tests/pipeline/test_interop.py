"""The import and export stages without the command line: an imported map is
checked before anything is written, problems are findings at their place, an
existing output is replaced only with ``force`` (the formats themselves:
tests/authoring/interop/)."""

from __future__ import annotations

import errno
import io
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from cjm.diagnostics.errors import EnvironmentProblem, InputError, UsageError
from cjm.pipeline.interop import (MAX_INPUT_BYTES, ExportRequest, ImportRequest, InteropResult, export_map,
                                  import_map, read_input)
from conftest import MINIMAL_MAP

JOURNEY = "journey\n  title Day\n  section Morning\n    Tea: 5: Me\n    Bus: 2: Me, Cat\n"
SHEET = "stage_id,touchpoint_name,emotion,mystery\nbuy,Cart,1,x\nbuy,Pay,-2,y\n"


def data_of(text: str) -> dict:
    return YAML(typ="safe").load(text)


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "day.mmd").write_text(JOURNEY)
    (tmp_path / "sheet.csv").write_text(SHEET)
    (tmp_path / "map.yaml").write_text(MINIMAL_MAP)
    return tmp_path


# --- import ----------------------------------------------------------------------------


def test_import_mermaid_to_stdout(here):
    result = import_map(ImportRequest("mermaid", "day.mmd"))
    assert isinstance(result, InteropResult) and result.written is None and result.warnings == []
    data = data_of(result.text)
    assert data["title"] == "Day" and data["scale"] == {"min": 1, "max": 5}
    assert [p["id"] for p in data["personas"]] == ["me", "cat"]
    assert sorted(p.name for p in here.iterdir()) == ["day.mmd", "map.yaml", "sheet.csv"]  # nothing written


def test_import_writes_the_output_file(here):
    result = import_map(ImportRequest("mermaid", "day.mmd", Path("out/day.yaml")))
    assert result.written == Path("out/day.yaml")
    assert (here / "out" / "day.yaml").read_text() == result.text
    assert import_map(ImportRequest("mermaid", "day.mmd", Path("-"))).written is None  # '-' is stdout


def test_the_imported_text_is_already_formatted_and_valid(here):
    from cjm.authoring.formatter import format_text
    from conftest import check

    text = import_map(ImportRequest("csv", "sheet.csv")).text
    assert not format_text("x.yaml", text).changed
    assert [f.code for f in check(text) if f.severity.label == "error"] == []


def test_csv_import_with_title_scale_and_warnings(here):
    result = import_map(ImportRequest("csv", "sheet.csv", title="Checkout", scale=(-3, 3)))
    data = data_of(result.text)
    assert data["title"] == "Checkout" and data["scale"] == {"min": -3, "max": 3}
    assert result.warnings == ["sheet.csv:1:4: column 'mystery' is not one cjm reads; it is ignored"]


@pytest.mark.parametrize("name, title", [("my_day-plan.mmd", "My day plan"), ("x.mmd", "X")])
def test_the_title_comes_from_the_file_name_when_the_input_has_none(here, name, title):
    (here / name).write_text(JOURNEY.replace("  title Day\n", ""))
    assert data_of(import_map(ImportRequest("mermaid", name)).text)["title"] == title


def test_import_from_stdin(here, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(JOURNEY.replace("  title Day\n", "").encode())))
    data = data_of(import_map(ImportRequest("mermaid", "-")).text)
    assert data["title"] == "Imported journey"


def test_an_existing_output_is_replaced_only_with_force(here):
    (here / "out.yaml").write_text("keep me\n")
    with pytest.raises(UsageError, match="exists") as caught:
        import_map(ImportRequest("mermaid", "day.mmd", Path("out.yaml")))
    assert "--force" in caught.value.hint and (here / "out.yaml").read_text() == "keep me\n"
    import_map(ImportRequest("mermaid", "day.mmd", Path("out.yaml"), force=True))
    assert (here / "out.yaml").read_text().startswith("cjm: 1\n")


def test_the_output_is_checked_before_the_input_is_read(here):
    (here / "out").mkdir()
    with pytest.raises(UsageError, match="is a folder; -o names the file"):
        import_map(ImportRequest("mermaid", "missing.mmd", Path("out")))


def test_a_line_that_cannot_be_imported_is_a_finding_and_nothing_is_written(here):
    (here / "bad.mmd").write_text("journey\n  section S\n    Task: 9: Me\n")
    with pytest.raises(InputError, match="bad.mmd cannot be imported; nothing was written") as caught:
        import_map(ImportRequest("mermaid", "bad.mmd", Path("out.yaml")))
    (f,) = caught.value.findings
    assert (f.code, f.rule, str(f.span)) == ("CJM401", "import-syntax", "bad.mmd:3:10")
    assert not (here / "out.yaml").exists()


def test_a_map_that_would_not_validate_is_not_written(here):
    (here / "loud.csv").write_text("stage_id,touchpoint_name,emotion\ns,T,9\n")
    with pytest.raises(InputError, match="would not validate") as caught:
        import_map(ImportRequest("csv", "loud.csv", Path("out.yaml")))
    assert [(f.code, f.span.file) for f in caught.value.findings] == [("CJM307", "out.yaml")]
    assert not (here / "out.yaml").exists()


def test_import_uses_the_projects_catalogue(here):
    (here / "cjm.yaml").write_text("cjm: 1\ncatalogs: ['shared.yaml']\n")
    (here / "shared.yaml").write_text("cjm: 1\nkind: catalog\npersonas:\n  - {id: me, name: Me, goals: [Tea]}\n"
                                      "channels:\n  - {id: web, name: Website}\n")
    mermaid = data_of(import_map(ImportRequest("mermaid", "day.mmd")).text)
    assert [p["id"] for p in mermaid["personas"]] == ["me-2", "cat"]  # new ids avoid the catalogue's
    (here / "people.csv").write_text("stage_id,touchpoint_name,channel,emotion:me\ns,T,web,1\n")
    sheet = data_of(import_map(ImportRequest("csv", "people.csv")).text)
    assert sheet["personas"] == ["me"]  # the catalogue persona, by id
    assert "channels" not in sheet


# --- reading the input -----------------------------------------------------------------------


def test_read_input_strips_a_byte_order_mark(here):
    (here / "bom.mmd").write_bytes(b"\xef\xbb\xbf" + JOURNEY.encode())
    assert read_input("bom.mmd") == (JOURNEY, "bom.mmd")


def test_read_input_of_text_that_is_not_utf8_names_the_line(here):
    (here / "latin.mmd").write_bytes(b"journey\n  title Caf\xe9\n")
    with pytest.raises(InputError) as caught:
        read_input("latin.mmd")
    (f,) = caught.value.findings
    assert (f.code, str(f.span)) == ("CJM103", "latin.mmd:2:1") and "0xe9" in f.message


@pytest.mark.parametrize("make, words", [
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: None, "no such file"),
    (lambda p: p.symlink_to(p.parent / "nowhere"), "broken link"),
])
def test_read_input_refusals(here, make, words):
    make(here / "x.mmd")
    with pytest.raises(UsageError, match=words):
        read_input("x.mmd")


def test_read_input_has_a_size_limit(here):
    (here / "big.csv").write_bytes(b"x" * (MAX_INPUT_BYTES + 1))
    with pytest.raises(UsageError, match="big.csv is larger than 8 MiB"):
        read_input("big.csv")


# --- export -----------------------------------------------------------------------------------


def test_export_mermaid_and_csv(here):
    mermaid = export_map(ExportRequest("mermaid", "map.yaml"))
    assert mermaid.text.startswith("journey\n    title Minimal\n") and mermaid.written is None
    sheet = export_map(ExportRequest("csv", "map.yaml", Path("out.csv")))
    assert sheet.written == Path("out.csv") and (here / "out.csv").read_bytes() == sheet.text.encode()
    assert sheet.text.splitlines()[0].startswith("stage_id,stage_name,")


def test_export_names_catalogue_personas(here):
    (here / "cjm.yaml").write_text("cjm: 1\ncatalogs: ['shared.yaml']\n")
    (here / "shared.yaml").write_text("cjm: 1\nkind: catalog\npersonas:\n  - {id: lee, name: Lee Long, goals: [x]}\n")
    (here / "uses.yaml").write_text(MINIMAL_MAP.replace("  - id: sam\n    name: Sam\n    goals: [Buy a thing]\n",
                                                        "  - lee\n").replace("emotion: 1", "emotion: {lee: 1}"))
    assert "Lee Long" in export_map(ExportRequest("mermaid", "uses.yaml")).text


def test_export_with_a_broken_config_still_exports(here):
    (here / "cjm.yaml").write_text("cjm: 1\nmapz: []\n")
    (here / "uses.yaml").write_text(MINIMAL_MAP.replace("  - id: sam\n    name: Sam\n    goals: [Buy a thing]\n",
                                                        "  - lee\n").replace("emotion: 1", "emotion: {lee: 1}"))
    assert ": lee" in export_map(ExportRequest("mermaid", "uses.yaml")).text  # the id, for want of a name


@pytest.mark.parametrize("map_file, error, words", [
    ("missing.yaml", UsageError, "no such file"),
    (".", UsageError, "is a folder"),
])
def test_export_refusals(here, map_file, error, words):
    with pytest.raises(error, match=words):
        export_map(ExportRequest("csv", map_file))


def test_export_of_a_map_that_fails_the_schema(here):
    (here / "bad.yaml").write_text("cjm: 1\ntitle: x\nstages: []\n")
    with pytest.raises(InputError, match="nothing was exported") as caught:
        export_map(ExportRequest("mermaid", "bad.yaml"))
    assert [str(f.span).rsplit(":", 1)[0] for f in caught.value.findings] == ["bad.yaml:3"]


def test_export_refuses_to_overwrite_without_force(here):
    (here / "out.csv").write_text("keep")
    with pytest.raises(UsageError):
        export_map(ExportRequest("csv", "map.yaml", Path("out.csv")))
    assert (here / "out.csv").read_text() == "keep"
    export_map(ExportRequest("csv", "map.yaml", Path("out.csv"), force=True))
    assert (here / "out.csv").read_text() != "keep"


def test_a_failed_write_is_the_environments_problem(here, monkeypatch):
    from cjm.infra import files

    def full(path, text, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(files, "atomic_write", full)
    with pytest.raises(EnvironmentProblem, match="no space left"):
        export_map(ExportRequest("csv", "map.yaml", Path("out.csv")))
    assert not (here / "out.csv").exists()
