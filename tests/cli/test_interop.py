"""`cjm import` / `cjm export`: Mermaid journeys and CSV sheets."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

JOURNEY = """\
%% a comment line
journey
    title My working day: Monday
    accDescr: How a day goes
    section Go to work
      Make tea: 5: Me
      Go upstairs: 3: Me, Cat
      Pay#58; the bus#59; fare: 2: Me   # entity codes are characters, this is a comment
    section Work
      Do work: 1: Me, Cat
      Do work: 4: Boss
      #116;itle the report: 3: Me
      Coffee break: 4
    section Go home
      Go downstairs: 5: Me, Cat
      Sit down: 5: Me
"""


def tasks_of(text: str) -> tuple[str | None, list[tuple[str, str, int, frozenset]]]:
    """(title, [(section, task, score, actors)]) read by cjm's own parser."""
    from cjm.authoring.interop.mermaid import parse_journey

    j = parse_journey(text)
    return j.title, [(s.name, t.name, t.score, frozenset(t.actors)) for s in j.sections for t in s.tasks]


def test_import_then_export_keeps_every_task_score_and_actor(cjm, tmp_path):
    (tmp_path / "day.mmd").write_text(JOURNEY)
    proc = cjm("import", "mermaid", "day.mmd", "-o", "day.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert cjm("validate", "day.yaml", cwd=tmp_path).returncode == 0
    exported = cjm("export", "mermaid", "day.yaml", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    title_in, tasks_in = tasks_of(JOURNEY)
    title_out, tasks_out = tasks_of(exported.stdout)
    assert title_out == title_in == "My working day: Monday"
    assert Counter(tasks_out) == Counter(tasks_in)
    assert tasks_out == tasks_in  # and in the same order
    assert ("Go to work", "Pay: the bus; fare", 2, frozenset({"Me"})) in tasks_out
    assert ("Work", "title the report", 3, frozenset({"Me"})) in tasks_out
    # the exported text is what export writes the second time round too
    (tmp_path / "again.mmd").write_text(exported.stdout)
    assert cjm("import", "mermaid", "again.mmd", "-o", "again.yaml", cwd=tmp_path).returncode == 0
    # (Mermaid's accDescr is imported as the description but not exported)
    day = (tmp_path / "day.yaml").read_text()
    assert "description: How a day goes\n" in day
    assert (tmp_path / "again.yaml").read_text() == day.replace("description: How a day goes\n", "")


def test_imported_map_shape(cjm, tmp_path):
    (tmp_path / "day.mmd").write_text(JOURNEY)
    proc = cjm("import", "mermaid", "day.mmd", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(proc.stdout)
    assert data["title"] == "My working day: Monday"
    assert data["description"] == "How a day goes"
    assert data["scale"] == {"min": 1, "max": 5}
    assert data["personas"] == [{"id": "me", "name": "Me"}, {"id": "cat", "name": "Cat"},
                                {"id": "boss", "name": "Boss"}]
    assert [s["id"] for s in data["stages"]] == ["go-to-work", "work", "go-home"]
    work = data["stages"][1]["touchpoints"]
    assert [t["id"] for t in work] == ["do-work", "do-work-2", "title-the-report", "coffee-break"]
    assert work[0]["emotion"] == {"me": 1, "cat": 1} and work[0]["personas"] == ["me", "cat"]
    assert work[3]["emotion"] == 4 and "personas" not in work[3]


def test_export_maps_the_scale_onto_one_to_five(tmp_path):
    from cjm.model.scales import to_five as to_mermaid_score
    from cjm.render.mermaid import journey_block
    from cjm.model.journey import JourneyMap

    assert [to_mermaid_score(v, -2, 2) for v in (-2, -1, 0, 1, 2, 0.5, -0.5)] == [1, 2, 3, 4, 5, 4, 3]
    assert [to_mermaid_score(v, 0, 10) for v in (0, 5, 10, 1.25)] == [1, 3, 5, 2]
    m = JourneyMap.model_validate({
        "cjm": 1, "title": "T", "personas": [{"id": "a", "name": "Ann"}, {"id": "b", "name": "Ann"}],
        "stages": [{"id": "s", "name": "S", "touchpoints": [
            {"id": "x", "name": "X", "emotion": {"b": 2, "a": -2}},
            {"id": "y", "name": "Y"},
            {"id": "z", "name": "Z", "emotion": 1, "personas": ["b"]}]}]})
    block = journey_block(m)
    assert block.splitlines() == [
        "journey", "    title T", "    section S",
        "      X: 1: Ann (a)", "      X: 5: Ann (b)",  # same names told apart, persona order kept
        "      Y: 3",  # no emotion: the middle
        "      Z: 4: Ann (b)",
    ]
    assert journey_block(m) == block


@pytest.mark.mermaid
def test_export_is_read_by_mermaids_own_parser(cjm, tmp_path):
    script = ROOT / "tests" / "js" / "parse-journey.mjs"
    if not (shutil.which("node") and (ROOT / "tests" / "js" / "node_modules" / "mermaid").is_dir()
            and script.is_file()):
        pytest.skip("node and tests/js/node_modules (npm ci in tests/js) are needed")
    mmd = cjm("export", "mermaid", str(EXAMPLES / "ecommerce-current.yaml")).stdout
    proc = subprocess.run(["node", str(script)], input=mmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    parsed = json.loads(proc.stdout)
    ours = tasks_of(mmd)
    assert parsed["title"] == ours[0] == "Stride & Co. online shoe shop (current state)"
    assert [(t["section"], t["task"], t["score"], frozenset(t["actors"])) for t in parsed["tasks"]] == ours[1]


@pytest.mark.parametrize("text, where, words", [
    ("journey\n  section A\n    Task: 7: Me\n", ":3:", "from 1 to 5"),
    ("journey\n  section A\n    Task: high: Me\n", ":3:", "not a number"),
    ("graph TD\n  A --> B\n", ":1:1:", "expected `journey`"),
    ("journey\n  section A\n    Just words\n", ":3:5:", "expected a task"),
    ("journey\n  title nothing\n", "", "no sections"),
])
def test_mermaid_import_errors(cjm, tmp_path, text, where, words):
    (tmp_path / "bad.mmd").write_text(text)
    proc = cjm("import", "mermaid", "bad.mmd", "-o", "out.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert f"bad.mmd{where}" in proc.stderr and words in proc.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_import_refuses_to_overwrite(cjm, tmp_path):
    (tmp_path / "day.mmd").write_text(JOURNEY)
    (tmp_path / "day.yaml").write_text("keep me\n")
    proc = cjm("import", "mermaid", "day.mmd", "-o", "day.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert (tmp_path / "day.yaml").read_text() == "keep me\n"
    assert cjm("import", "mermaid", "day.mmd", "-o", "day.yaml", "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "day.yaml").read_text().startswith("cjm: 1\n")


def test_import_from_markdown_fence_and_stdin(cjm, tmp_path):
    md = "# Notes\n\n```mermaid\n" + JOURNEY + "```\n\nmore text\n"
    proc = cjm("import", "mermaid", "-", input=md.encode())
    assert proc.returncode == 0, proc.stderr
    assert "title: 'My working day: Monday'" in proc.stdout or 'title: "My working day: Monday"' in proc.stdout


# --- CSV -------------------------------------------------------------------------

SHEET = [
    ["stage_id", "stage_name", "touchpoint_id", "touchpoint_name", "channel", "mode", "action", "thoughts",
     "feeling", "expectation", "personas", "emotion", "emotion:maya", "emotion:dan", "pain_points",
     "opportunities", "description"],
    ["browse", "Browse", "ad", "Ad, with a comma", "social", "online", '=HYPERLINK("http://x","y")',
     "Is it cheap?\nWho sells it?", "curious", "met", "", "", "-1", "1.5", "", "", "Says \"hi\""],
    ["browse", "Browse", "chat", "Chat", "", "", "-asks a question", "", "", "failed", "maya", "-2", "", "",
     "slow-chat: Slow replies\nno-bot: No bot", "bot: A sizing bot", "@cmd"],
    ["buy", "Buy", "checkout", "Checkout", "web", "", "", "", "", "", "", "0", "", "", "", "", "+1 day"],
]


def write_sheet(path: Path, rows, excel_safe: bool = True) -> None:
    from cjm.authoring.interop.csv import excel_safe as protect

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    for i, row in enumerate(rows):
        w.writerow(row if i == 0 or not excel_safe else
                   [c if rows[0][j].startswith("emotion") else protect(c) for j, c in enumerate(row)])
    path.write_bytes(out.getvalue().encode())


def test_csv_round_trip_keeps_every_value(cjm, tmp_path):
    write_sheet(tmp_path / "sheet.csv", SHEET)
    proc = cjm("import", "csv", "sheet.csv", "-o", "map.yaml", "--title", "Shop", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert cjm("validate", "map.yaml", cwd=tmp_path).returncode == 0
    again = cjm("export", "csv", "map.yaml", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.encode() == (tmp_path / "sheet.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(again.stdout, newline="")))
    assert rows[1][6] == "'=HYPERLINK(\"http://x\",\"y\")"  # a formula stays text in a spreadsheet
    assert rows[2][11] == "-2" and rows[1][12] == "-1"  # numbers are never prefixed
    assert rows[2][16] == "'@cmd" and rows[3][16] == "'+1 day"


def test_csv_import_reads_the_values(cjm, tmp_path):
    write_sheet(tmp_path / "sheet.csv", SHEET)
    proc = cjm("import", "csv", "sheet.csv", "--scale", "-2..3", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(proc.stdout)
    assert data["title"] == "Sheet"
    assert data["scale"] == {"min": -2, "max": 3}
    assert data["personas"] == [{"id": "maya", "name": "maya"}, {"id": "dan", "name": "dan"}]
    assert data["channels"] == [{"id": "social", "name": "social"}, {"id": "web", "name": "web"}]
    ad, chat = data["stages"][0]["touchpoints"]
    assert ad["action"] == '=HYPERLINK("http://x","y")' and ad["thoughts"] == ["Is it cheap?", "Who sells it?"]
    assert ad["emotion"] == {"maya": -1, "dan": 1.5}
    assert chat["emotion"] == -2 and chat["personas"] == ["maya"]
    assert chat["pain_points"] == [{"id": "slow-chat", "title": "Slow replies"}, {"id": "no-bot", "title": "No bot"}]
    assert [s["id"] for s in data["stages"]] == ["browse", "buy"]


def test_csv_export_without_excel_safety(cjm, tmp_path):
    write_sheet(tmp_path / "sheet.csv", SHEET)
    assert cjm("import", "csv", "sheet.csv", "-o", "map.yaml", cwd=tmp_path).returncode == 0
    raw = cjm("export", "csv", "map.yaml", "--no-excel-safe", cwd=tmp_path).stdout
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows[1][6] == '=HYPERLINK("http://x","y")'


def test_csv_export_of_the_example_round_trips(cjm, tmp_path):
    first = cjm("export", "csv", str(EXAMPLES / "ecommerce-current.yaml"), "-o", "a.csv", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert cjm("import", "csv", "a.csv", "-o", "m.yaml", cwd=tmp_path).returncode == 0
    assert cjm("export", "csv", "m.yaml", "-o", "b.csv", cwd=tmp_path).returncode == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    header = (tmp_path / "a.csv").read_text().splitlines()[0].split(",")
    assert "emotion:bargain-hunter" in header and "emotion:busy-professional" in header


@pytest.mark.parametrize("rows, words", [
    ([["stage_id", "touchpoint_name", "emotion"], ["s", "T", "lots"]], "emotion must be a number"),
    ([["stage_id", "touchpoint_name", "emotion", "emotion:a"], ["s", "T", "1", "2"]], "not both"),
    ([["stage_id", "touchpoint_name", "emotion"], ["s", "T", "9"]], "would not validate"),
    ([["stage_id", "touchpoint_id", "touchpoint_name"], ["s", "t", "A"], ["s", "t", "B"]], "used twice"),
    ([["touchpoint_name"], ["T"]], "stage_id or stage_name"),
])
def test_csv_import_errors(cjm, tmp_path, rows, words):
    write_sheet(tmp_path / "bad.csv", rows, excel_safe=False)
    proc = cjm("import", "csv", "bad.csv", "-o", "out.yaml", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert words in proc.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_export_refuses_an_invalid_map(cjm, tmp_path):
    (tmp_path / "bad.yaml").write_text("cjm: 1\ntitle: x\nstages: []\n")
    proc = cjm("export", "mermaid", "bad.yaml", cwd=tmp_path)
    assert proc.returncode == 1 and "bad.yaml:3:" in proc.stderr
    assert cjm("export", "csv", "missing.yaml", cwd=tmp_path).returncode == 2


def test_import_problems_through_the_reporters(tmp_path, cjm):
    """A line that cannot be imported is a finding (CJM401) in every format."""
    import json as _json

    (tmp_path / "bad.mmd").write_text("journey\n  title T\n  section S\n    Task: nine\n")
    ran = cjm("import", "mermaid", "bad.mmd", "-f", "json", cwd=tmp_path)
    assert ran.returncode == 1
    finding = _json.loads(ran.stdout)["findings"][0]
    assert (finding["code"], finding["line"]) == ("CJM401", 4)
    ran = cjm("import", "mermaid", "bad.mmd", "-f", "github", cwd=tmp_path)
    assert ran.stdout.startswith("::error file=bad.mmd,line=4")
    ran = cjm("import", "mermaid", "bad.mmd", cwd=tmp_path)
    assert "bad.mmd:4:" in ran.stderr and "CJM401 import-syntax" in ran.stderr


def test_import_refuses_a_folder_and_an_existing_output(tmp_path, cjm):
    (tmp_path / "j.mmd").write_text("journey\n  section S\n    Task: 3\n")
    (tmp_path / "out.yaml").write_text("keep")
    assert cjm("import", "mermaid", str(tmp_path), cwd=tmp_path).returncode == 2
    ran = cjm("import", "mermaid", "j.mmd", "-o", "out.yaml", cwd=tmp_path)
    assert ran.returncode == 2 and "add --force" in ran.stderr
    assert (tmp_path / "out.yaml").read_text() == "keep"
