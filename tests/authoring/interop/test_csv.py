"""CSV sheets, one row per touchpoint: export (RFC 4180, formula-safe for
spreadsheets), import (problems at row and column), and the round trip that
keeps every value a sheet can hold."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.authoring.interop import ImportProblem
from cjm.authoring.interop.csv import COLUMNS, TAIL_COLUMNS, excel_safe, excel_unescape, export_csv, import_csv
from cjm.model.journey import JourneyMap

MAP = JourneyMap.model_validate({
    "cjm": 1, "title": "Shop", "scale": {"min": -2, "max": 2},
    "personas": [{"id": "maya", "name": "Maya"}, "shared-dan"],
    "stages": [
        {"id": "browse", "name": "Browse and  look", "touchpoints": [
            {"id": "ad", "name": "Ad, with a comma", "channel": "social", "mode": "online",
             "action": "=HYPERLINK(\"http://x\",\"y\")", "thoughts": ["Is it cheap?", "Who\nsells it?"],
             "feeling": "curious", "expectation": "met", "emotion": {"maya": -1, "shared-dan": 1.5, "ghost": 2},
             "description": "Says \"hi\""},
            {"id": "chat", "name": "Chat", "personas": ["maya"], "emotion": -2, "action": "-asks",
             "pain_points": [{"id": "slow-chat", "title": "Slow replies"}, {"id": "no-bot", "title": "No bot"}],
             "opportunities": [{"id": "bot", "title": "A sizing bot", "addresses": ["no-bot"]}],
             "description": "@cmd"},
        ]},
        {"id": "later", "name": "Later"},
        {"id": "buy", "name": "Buy", "touchpoints": [{"id": "checkout", "name": "Checkout", "emotion": 0.25}]},
    ],
})


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- export -----------------------------------------------------------------------------


def test_header_one_emotion_column_per_persona_then_the_tail():
    header = rows(export_csv(MAP))[0]
    assert header == [*COLUMNS, "emotion:maya", "emotion:shared-dan", "emotion:ghost", *TAIL_COLUMNS]


def test_one_row_per_touchpoint_and_one_for_an_empty_stage():
    body = rows(export_csv(MAP))[1:]
    assert [(r[0], r[2]) for r in body] == [("browse", "ad"), ("browse", "chat"), ("later", ""), ("buy", "checkout")]


def test_cells():
    header, ad, chat, later, buy = rows(export_csv(MAP))
    cell = dict(zip(header, ad))
    assert cell["stage_name"] == "Browse and look"  # names on one line
    assert cell["touchpoint_name"] == "Ad, with a comma"
    assert cell["thoughts"] == "Is it cheap?\nWho sells it?"  # one per line; breaks inside one become spaces
    assert (cell["emotion"], cell["emotion:maya"], cell["emotion:shared-dan"], cell["emotion:ghost"]) == (
        "", "-1", "1.5", "2")
    assert cell["description"] == 'Says "hi"'
    chat_cell = dict(zip(header, chat))
    assert chat_cell["personas"] == "maya" and chat_cell["emotion"] == "-2"
    assert chat_cell["pain_points"] == "slow-chat: Slow replies\nno-bot: No bot"
    assert chat_cell["opportunities"] == "bot: A sizing bot"
    assert dict(zip(header, buy))["emotion"] == "0.25"
    assert later[:2] == ["later", "Later"] and set(later[2:]) == {""}


def test_rfc_4180_line_ends_and_quoting():
    text = export_csv(MAP)
    assert text.endswith("\r\n") and "\r\n" in text
    assert '"Ad, with a comma"' in text and '"Says ""hi"""' in text


def test_text_that_a_spreadsheet_would_run_gets_a_quote_numbers_never():
    header, ad, chat, _later, _buy = rows(export_csv(MAP))
    assert dict(zip(header, ad))["action"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert dict(zip(header, chat))["action"] == "'-asks"
    assert dict(zip(header, chat))["description"] == "'@cmd"
    assert dict(zip(header, chat))["emotion"] == "-2"  # a number stays a number
    plain = rows(export_csv(MAP, excel_safe_cells=False))
    assert dict(zip(plain[0], plain[1]))["action"] == "=HYPERLINK(\"http://x\",\"y\")"


@pytest.mark.parametrize("cell, safe", [
    ("=1+1", "'=1+1"), ("+1 day", "'+1 day"), ("-x", "'-x"), ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("'=1", "''=1"), ("''=x", "'''=x"), ("plain", "plain"), ("'plain", "'plain"), ("", ""), ("1-2", "1-2"),
])
def test_excel_safe(cell, safe):
    assert excel_safe(cell) == safe
    assert excel_unescape(safe) == cell


@settings(deadline=None)
@given(st.text(max_size=30))
def test_excel_escape_is_reversible_and_never_starts_a_formula(cell):
    safe = excel_safe(cell)
    assert excel_unescape(safe) == cell
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))


# --- import -------------------------------------------------------------------------------


def test_import_reads_every_column():
    data, warnings = import_csv(export_csv(MAP), "shop.csv", "Shop")
    assert warnings == []
    ad, chat = data["stages"][0]["touchpoints"]
    assert ad["action"] == "=HYPERLINK(\"http://x\",\"y\")"  # the quote put there by export is gone again
    assert ad["emotion"] == {"maya": -1, "shared-dan": 1.5, "ghost": 2}
    assert ad["thoughts"] == ["Is it cheap?", "Who sells it?"]
    assert (ad["channel"], ad["mode"], ad["feeling"], ad["expectation"]) == ("social", "online", "curious", "met")
    assert chat["personas"] == ["maya"] and chat["emotion"] == -2
    assert chat["pain_points"] == [{"id": "slow-chat", "title": "Slow replies"}, {"id": "no-bot", "title": "No bot"}]
    assert data["stages"][1] == {"id": "later", "name": "Later", "touchpoints": []}
    assert data["personas"] == [{"id": p, "name": p} for p in ("maya", "shared-dan", "ghost")]
    assert data["channels"] == [{"id": "social", "name": "social"}]
    assert list(ad) == ["id", "name", "channel", "mode", "description", "action", "thoughts", "emotion", "feeling",
                        "expectation"]  # the model's key order


def test_personas_and_channels_of_the_catalogue_are_referred_to_by_id():
    data, _ = import_csv(export_csv(MAP), catalog={"persona": {"shared-dan"}, "channel": {"social"}})
    assert data["personas"] == [{"id": "maya", "name": "maya"}, "shared-dan", {"id": "ghost", "name": "ghost"}]
    assert "channels" not in data


def test_title_and_scale():
    data, _ = import_csv("stage_id,touchpoint_name\ns,T\n", title=None, scale=(1, 5))
    assert data["title"] == "Imported journey" and data["scale"] == {"min": 1, "max": 5}
    assert "scale" not in import_csv("stage_id,touchpoint_name\ns,T\n")[0]


@pytest.mark.parametrize("text", [
    "stage_name;touchpoint_name;emotion\nBrowse;Ad;1\n",  # semicolons (European spreadsheets)
    "stage_name\ttouchpoint_name\temotion\nBrowse\tAd\t1\n",  # tabs
    "\ufeffstage_name,touchpoint_name,emotion\r\nBrowse,Ad,1\r\n",  # a byte-order mark, CR LF
    " stage_name , touchpoint_name ,emotion\nBrowse, Ad ,1\n",  # spaces around header names and values
])
def test_dialects(text):
    data, _ = import_csv(text)
    assert data["stages"] == [{"id": "browse", "name": "Browse", "touchpoints": [{"id": "ad", "name": "Ad",
                                                                                   "emotion": 1}]}]


def test_ids_are_made_from_names_where_the_sheet_has_none():
    text = "stage_name,touchpoint_name,pain_points\nFind it,Look,\"Too slow\nToo slow\"\nFind it,Look,\nPay up,Look,\n"
    data, _ = import_csv(text)
    assert [s["id"] for s in data["stages"]] == ["find-it", "pay-up"]
    assert [t["id"] for s in data["stages"] for t in s["touchpoints"]] == ["look", "look-2", "look-3"]
    assert [p["id"] for p in data["stages"][0]["touchpoints"][0]["pain_points"]] == ["too-slow", "too-slow-2"]


def test_unknown_columns_are_ignored_with_a_warning_at_their_column():
    _data, warnings = import_csv("stage_id,touchpoint_name,colour,\ns,T,red,\n", "s.csv")
    assert warnings == ["s.csv:1:3: column 'colour' is not one cjm reads; it is ignored",
                        "s.csv:1:4: column '' is not one cjm reads; it is ignored"]


def test_blank_rows_are_skipped_and_short_rows_read_as_empty_cells():
    data, _ = import_csv("stage_id,touchpoint_name,emotion,feeling\n\n,,,\ns,T\n")
    assert data["stages"][0]["touchpoints"] == [{"id": "t", "name": "T"}]


@pytest.mark.parametrize("text, line, column, words", [
    ("", 1, 1, "the CSV file is empty"),
    ("stage_id,touchpoint_name\n", 2, 1, "a header but no rows"),
    ("stage_id,emotion\ns,1\n", 1, 1, "needs a touchpoint_name (or touchpoint_id) column"),
    ("touchpoint_name,emotion\nT,1\n", 1, 1, "needs a stage_id or stage_name column"),
    ("stage_id,touchpoint_name,emotion:Bad\n", 1, 3, "'Bad' is not a persona id"),
    ("stage_id,touchpoint_name\nBad Id,x\n", 2, 1, "'Bad Id' is not a valid stage id"),
    ("stage_id,touchpoint_id\ns,Bad Id\n", 2, 2, "'Bad Id' is not a valid touchpoint id"),
    ("stage_id,touchpoint_id\ns,t\ns,t\n", 3, 2, "the touchpoint id 't' is used twice"),
    ("stage_id,stage_name,touchpoint_name\n,,T\n", 2, 1, "neither a stage_id nor a stage_name"),
    ("stage_id,touchpoint_name,emotion\ns,T,lots\n", 2, 3, "emotion must be a number; got 'lots'"),
    ("stage_id,touchpoint_name,emotion:a\ns,T,1e\n", 2, 3, "emotion:a must be a number"),
    ("stage_id,touchpoint_name,emotion,emotion:a\ns,T,1,2\n", 2, 3, "not both"),
    ("stage_id,touchpoint_name,pain_points\ns,T,\"a: x\na: y\"\n", 3, 3, "the pain point id 'a' is used twice"),
])
def test_problems_at_their_row_and_column(text, line, column, words):
    with pytest.raises(ImportProblem) as caught:
        import_csv(text, "bad.csv")
    assert (caught.value.file, caught.value.line, caught.value.column) == ("bad.csv", line, column)
    assert words in caught.value.message


@pytest.mark.parametrize("cell, score", [("1", 1), ("-2", -2), ("+1", 1), ("0.5", 0.5), (".5", 0.5), ("1e0", 1.0),
                                         (" 2 ", 2)])
def test_scores(cell, score):
    data, _ = import_csv(f"stage_id,touchpoint_name,emotion\ns,T,{cell}\n")
    value = data["stages"][0]["touchpoints"][0]["emotion"]
    assert value == score and type(value) is type(score)


def test_excel_unescape_can_be_turned_off():
    data, _ = import_csv("stage_id,touchpoint_name,action\ns,T,'=1+1\n", excel_unescape_cells=False)
    assert data["stages"][0]["touchpoints"][0]["action"] == "'=1+1"


# --- the round trip ----------------------------------------------------------------------------


def test_export_import_export_is_byte_for_byte():
    first = export_csv(MAP)
    data, _ = import_csv(first, title="Shop", scale=(-2, 2))
    assert export_csv(JourneyMap.model_validate(data)) == first


words = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12) \
    .map(str.strip).filter(bool)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.fixed_dictionaries({
    "name": words, "action": words, "feeling": words, "description": words,
    "thoughts": st.lists(words, max_size=3),
    "emotion": st.one_of(st.none(), st.integers(-2, 2), st.floats(-2, 2).map(lambda x: round(x, 3))),
}), min_size=1, max_size=5))
def test_round_trip_keeps_every_value_a_sheet_holds(touchpoints):
    """Text that looks like a formula, commas, quotes, unicode: exported, imported, the same again."""
    tps = []
    for i, t in enumerate(touchpoints):
        tp = {"id": f"t{i}", "name": " ".join(t["name"].split()), "action": t["action"],
              "feeling": " ".join(t["feeling"].split()), "description": t["description"],
              "thoughts": [" ".join(x.split()) for x in t["thoughts"]]}
        if t["emotion"] is not None:
            tp["emotion"] = t["emotion"]
        tps.append(tp)
    original = JourneyMap.model_validate({"cjm": 1, "title": "T", "stages": [{"id": "s", "name": "S",
                                                                              "touchpoints": tps}]})
    data, _ = import_csv(export_csv(original), title="T")
    again = JourneyMap.model_validate(data)
    for a, b in zip(original.stages[0].touchpoints, again.stages[0].touchpoints):
        assert (b.name, b.action, b.feeling, b.description, b.thoughts, b.emotion) == \
            (a.name, a.action.strip(), a.feeling, a.description, a.thoughts, a.emotion)
