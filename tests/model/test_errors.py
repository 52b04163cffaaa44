"""How pydantic's validation errors become findings (cjm.model.errors): the
code and rule name, the words a map author understands (never pydantic's
"Input should be", union branch labels or raw regular expressions), the exact
line:column from the loader's position index, did-you-mean for unknown keys
and misspelt choices, the id form of a text that is no id, what is wrong with
a text, why a date does not exist, and a hint for a value of the wrong type.

Driven the way cjm validate drives it: small YAML documents through the
loader, the schema and (for cjm.yaml) the project loader, with one finding
per problem and no noise from union branches."""

from __future__ import annotations

import pytest

from cjm.diagnostics.errors import ConfigError
from cjm.loader import parse_text
from cjm.model.catalog import ProjectIndex
from cjm.model.errors import _describe, _id_hint, _impossible_date, _quote
from cjm.pipeline.check import CheckSettings, check_document
from cjm.pipeline.project import load_project

BASE = """\
cjm: 1
title: Shop
goal: Buy shoes
personas:
  - id: sam
    name: Sam
    goals: [Buy]
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: cart
        name: Cart
        emotion: 1
"""
# Pydantic's own words, labels and patterns that must never reach a user.
LEAKS = ("Input should be", "Value error", "constrained-str", "function-after", "[key]", "dict[", "model_type",
         "^[", "\\x00")


def findings(text: str):
    doc = parse_text("m.yaml", text)
    return check_document(doc, CheckSettings(ProjectIndex())).report.findings


def config_findings(tmp_path, text: str):
    (tmp_path / "cjm.yaml").write_text(text)
    with pytest.raises(ConfigError) as err:
        load_project(tmp_path / "cjm.yaml")
    return err.value.findings


def assert_findings(got, expected):
    assert len(got) == len(expected), "\n".join(f"{f.span} {f.code} {f.message}" for f in got)
    for f, (where, code, name, words, hint) in zip(got, expected):
        assert f"{f.span.line}:{f.span.column}" == where, f"{f.span} {f.message}"
        assert (f.code, f.rule) == (code, name)
        assert words in f.message, f.message
        assert hint in f.hint, f.hint
        for raw in LEAKS:
            assert raw not in f.message + f.hint + f.path, f"pydantic's words leaked: {f.message!r} {f.path!r}"


def test_the_base_map_is_clean():
    assert findings(BASE) == []


# (what is wrong, the map text, expected [(line:col, code, name, words in the message, words in the hint)])
SCHEMA_CASES = [
    ("wrong key, with did-you-mean", BASE.replace("        emotion: 1", "        emotoin: 1"),
     [("14:9", "CJM201", "unknown-key", "unknown key 'emotoin' in touchpoint", "did you mean 'emotion'?")]),
    ("unknown top-level key lists the allowed ones", BASE.replace("goal: Buy shoes", "goal: Buy shoes\nzzz: 1"),
     [("4:1", "CJM201", "unknown-key", "unknown key 'zzz' in the map", "allowed keys: cjm, kind, id, title")]),
    ("missing required key in a stage", BASE.replace("    name: Buy\n", ""),
     [("9:5", "CJM202", "missing-key", "stage is missing the required key 'name'", "add `name:`")]),
    ("missing title", BASE.replace("title: Shop\n", ""),
     [("1:1", "CJM202", "missing-key", "missing the required key 'title'", "")]),
    ("text where a list belongs", BASE.replace("goals: [Buy]", "goals: Buy shoes"),
     [("7:12", "CJM203", "wrong-type", "goals must be a list, not the text 'Buy shoes'", "write a list")]),
    ("a number where text belongs", BASE.replace("goal: Buy shoes", "goal: Buy shoes\nowner: 12"),
     [("4:8", "CJM203", "wrong-type", "owner must be text, not the number 12", "quote it")]),
    ("invalid literal", BASE.replace("goal: Buy shoes", "goal: Buy shoes\ntype: currentstate"),
     [("4:7", "CJM204", "invalid-value", "type must be one of current-state, future-state, day-in-the-life, "
       "service-blueprint; got the text 'currentstate'", "did you mean 'current-state'?")]),
    ("invalid id", BASE.replace("id: cart", "id: Cart Page"),
     [("12:13", "CJM204", "invalid-value", "id must be an id (lowercase letters", "")]),
    ("a date that does not exist", BASE.replace("goal: Buy shoes", "goal: Buy shoes\nreviewed: 2026-13-45"),
     [("4:11", "CJM204", "invalid-value", "the date 2026-13-45 does not exist (there is no month 13)", "")]),
    ("a 30th of February: the date does not exist, though it is written YYYY-MM-DD",
     BASE.replace("goal: Buy shoes", "goal: Buy shoes\nreviewed: 2026-02-30"),
     [("4:11", "CJM204", "invalid-value", "reviewed: the date 2026-02-30 does not exist (February 2026 has 28 days)",
       "check the day")]),
    ("a 29th of February in a leap year is fine", BASE.replace("goal: Buy shoes", "goal: Buy shoes\nreviewed: 2028-02-29"),
     []),
    ("an id with capitals gets its valid form suggested", BASE.replace("id: cart", "id: Lee"),
     [("12:13", "CJM204", "invalid-value", "id must be an id", "did you mean 'lee'?")]),
    ("an id with spaces and accents", BASE.replace("id: cart", "id: Café Crème"),
     [("12:13", "CJM204", "invalid-value", "id must be an id", "did you mean 'cafe-creme'?")]),
    ("a persona's emotion as a word names the persona", BASE.replace("emotion: 1", "emotion: {sam: bad}"),
     [("14:24", "CJM203", "wrong-type", "the emotion for persona 'sam' must be a number on the map's scale, "
       "not the text 'bad'", "")]),
    ("a blank feeling", BASE.replace("emotion: 1", "emotion: 1\n        feeling: ' '"),
     [("15:18", "CJM204", "invalid-value", "feeling is blank", "leave the key out")]),
    ("a feeling of invisible characters only", BASE.replace("emotion: 1", 'emotion: 1\n        feeling: "\\u00a0\\u200b"'),
     [("15:18", "CJM204", "invalid-value", "feeling is blank", "")]),
    ("a bell written as a YAML escape", BASE.replace("name: Cart", 'name: "Cart\\x07"'),
     [("13:15", "CJM204", "invalid-value", "name holds the character U+0007 (bell) at character 5", "")]),
    ("a terminal escape sequence", BASE.replace("name: Cart", 'name: "\\e[31mCart"'),
     [("13:15", "CJM204", "invalid-value", "U+001B (escape) at character 1", "")]),
    ("a NUL written as \\0", BASE.replace("goals: [Buy]", 'goals: ["Buy\\0"]'),
     [("7:13", "CJM204", "invalid-value", "goals holds the character U+0000 (nul)", "")]),
    ("a non-character", BASE.replace("name: Cart", 'name: "\\uFFFE"'),
     [("13:15", "CJM204", "invalid-value", "U+FFFE (non-character)", "")]),
    ("a line separator in a long text", BASE.replace("emotion: 1", 'emotion: 1\n        action: "a\\Lb"'),
     [("15:17", "CJM204", "invalid-value", "U+2028 (line separator) at character 2", "")]),
    ("a line break in a title", BASE.replace("name: Cart", 'name: "Cart\\nPage"'),
     [("13:15", "CJM204", "invalid-value", "name must be one line of text, but it holds a line break", "")]),
    ("a tab in a title", BASE.replace("name: Cart", 'name: "Cart\\tPage"'),
     [("13:15", "CJM204", "invalid-value", "name must be text on one line without tabs", "")]),
    ("line breaks and tabs are fine in long texts",
     BASE.replace("emotion: 1", 'emotion: 1\n        description: "a\\n\\tb"\n        thoughts: ["x\\ty"]'), []),
    ("a link with a space", BASE.replace("emotion: 1", "emotion: 1\n        evidence: [{url: 'https://a.example/x y'}]"),
     [("15:26", "CJM204", "invalid-value", "url must be an http, https or mailto link without spaces", "")]),
    ("a date in words", BASE + "actions:\n  - id: a\n    title: A\n    due: next week\n",
     [("18:10", "CJM204", "invalid-value", "due must be a date written YYYY-MM-DD", "")]),
    ("javascript: link in evidence is refused",
     BASE + "        evidence:\n          - url: javascript:alert(1)\n",
     [("16:18", "CJM204", "invalid-value", "url must be an http, https or mailto link; got the text "
       "'javascript:alert(1)'", "")]),
    ("data: link in a persona source is refused",
     BASE.replace("    goals: [Buy]", "    goals: [Buy]\n    sources: [{url: 'data:text/html,<b>x</b>'}]"),
     [("8:21", "CJM204", "invalid-value", "url must be an http, https or mailto link", "")]),
    ("format version 2", BASE.replace("cjm: 1", "cjm: 2"),
     [("1:6", "CJM205", "format-version", "this cjm reads version 1", "write `cjm: 1`")]),
    ("no format version", BASE.replace("cjm: 1\n", ""),
     [("1:1", "CJM205", "format-version", "does not say its format version", "start the file with `cjm: 1`")]),
    ("emotion as a word", BASE.replace("emotion: 1", "emotion: happy"),
     [("14:18", "CJM203", "wrong-type", "emotion must be a number on the map's scale, or a mapping of persona id",
       "")]),
    ("persona given as a number", BASE.replace("  - id: sam\n    name: Sam\n    goals: [Buy]\n", "  - 42\n"),
     [("5:5", "CJM203", "wrong-type", "personas must be a persona", "")]),
    ("age out of range", BASE.replace("    goals: [Buy]", "    goals: [Buy]\n    age: 200"),
     [("8:10", "CJM204", "invalid-value", "age is out of range", "")]),
    ("empty stage list", "cjm: 1\ntitle: x\nstages: []\n",
     [("3:9", "CJM204", "invalid-value", "stages must not be empty", "")]),
    ("empty title", BASE.replace("title: Shop", "title: ''"),
     [("2:8", "CJM204", "invalid-value", "title must not be empty text", "")]),
    ("an unknown kind", BASE.replace("cjm: 1", "cjm: 1\nkind: journey"),
     [("2:7", "CJM204", "invalid-value", "kind must be map or catalog", "")]),
    ("an unknown key inside a persona (no noise from the persona-or-id union)",
     BASE.replace("    goals: [Buy]", "    goals: [Buy]\n    nmae: x"),
     [("8:5", "CJM201", "unknown-key", "unknown key 'nmae' in persona", "did you mean 'name'?")]),
    ("a bad colour inside a persona (no noise from the union)",
     BASE.replace("    goals: [Buy]", "    goals: [Buy]\n    color: red"),
     [("8:12", "CJM204", "invalid-value", "color must be a colour written #rrggbb", "")]),
    ("an empty persona mapping: what is missing, and nothing else", BASE.replace(
        "  - id: sam\n    name: Sam\n    goals: [Buy]\n", "  - {}\n"),
     [("5:5", "CJM202", "missing-key", "persona is missing the required key 'id'", ""),
      ("5:5", "CJM202", "missing-key", "persona is missing the required key 'name'", "")]),
    ("an invalid persona id as an emotion key is blamed on the key", BASE.replace("emotion: 1", "emotion: {Sam: 1}"),
     [("14:19", "CJM204", "invalid-value", "the key 'Sam' in emotion must be a persona id", "did you mean 'sam'?")]),
    ("a KPI target as text", BASE.replace("goal: Buy shoes", "goal: Buy shoes\nkpis: [{id: a, name: b, target: '3'}]"),
     [("4:33", "CJM203", "wrong-type", "target must be a number, not the text '3'", "")]),
    ("a catalogue with map keys", "cjm: 1\nkind: catalog\npersonas:\n  - {id: x, name: X, goals: [a]}\nstages: []\n",
     [("5:1", "CJM201", "unknown-key", "unknown key 'stages'", "allowed keys: cjm, kind, personas, channels, kpis")]),
]


@pytest.mark.parametrize("what,text,expected", SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_schema_errors_at_the_exact_place_in_user_words(what, text, expected):
    assert_findings(findings(text), expected)


def test_all_schema_errors_at_once():
    text = BASE.replace("title: Shop", "title: ''").replace("emotion: 1", "emotion: happy").replace(
        "goals: [Buy]", "goals: Buy")
    got = findings(text)
    assert [(f.span.line, f.code) for f in got] == [(2, "CJM204"), (7, "CJM203"), (14, "CJM203")]




# --- more of the map -----------------------------------------------------------------------

MORE_CASES = [
    ("a text too long", BASE.replace("title: Shop", "title: " + "x" * 301),
     [("2:8", "CJM204", "invalid-value", "title is too long (at most 300 characters)", "")]),
    ("true where text belongs", BASE.replace("title: Shop", "title: true"),
     [("2:8", "CJM203", "wrong-type", "title must be text, not true (true/false)", "quote it to make it text")]),
    ("null where text belongs", BASE.replace("title: Shop", "title: null"),
     [("2:8", "CJM203", "wrong-type", "title must be text, not nothing (null)", "")]),
    ("a text where a mapping belongs", BASE + "scale: big\n",
     [("15:8", "CJM203", "wrong-type", "scale must be a mapping, not the text 'big'",
       "write a mapping of keys (key: value) here")]),
    ("a long value is shortened in the message", BASE.replace("title: Shop", "title: Shop\nowner: [" + "y" * 60 + "]")
     .replace("goal: Buy shoes", "goal: Buy shoes\ntype: " + "z" * 60),
     [("3:8", "CJM203", "wrong-type", "owner must be text, not a list", ""),
      ("5:7", "CJM204", "invalid-value", "got the text '" + "z" * 37 + "...'", "")]),
    ("a rating above 5", BASE + "actions: [{id: a, title: A, effort: 9}]\n",
     [("15:37", "CJM204", "invalid-value", "effort is out of range: it should be less than or equal to 5", "")]),
    ("a fraction where a whole number belongs", BASE + "research: [{id: r, title: R, participants: 1.5}]\n",
     [("15:44", "CJM203", "wrong-type", "participants must be a whole number, not the number 1.5", "")]),
    ("a persona without a name: what is missing, not that it is no id",
     BASE.replace("  - id: sam\n    name: Sam\n    goals: [Buy]\n", "  - id: sam\n"),
     [("5:5", "CJM202", "missing-key", "persona is missing the required key 'name'", "add `name:`")]),
    ("a choice of a catalogue", "cjm: 1\nkind: catalog\nchannels: [{id: w, name: W, mode: web}]\n",
     [("3:35", "CJM204", "invalid-value", "mode must be one of online, offline; got the text 'web'", "")]),
    ("an unknown key in a catalogue", "cjm: 1\nkind: catalog\nchanels: []\n",
     [("3:1", "CJM201", "unknown-key", "unknown key 'chanels' in the catalogue", "did you mean 'channels'?")]),
    ("an unknown key in an event item", BASE + "        events: [{name: x, wher: {}}]\n",
     [("15:28", "CJM201", "unknown-key", "unknown key 'wher' in events", "did you mean 'where'?")]),
    ("events as one text", BASE + "        events: view\n",
     [("15:17", "CJM203", "wrong-type", "events must be a list, not the text 'view'", "write a list")]),
    ("a KPI's metric key", BASE + "kpis: [{id: k, name: K, metric: Funnel.Conversion}]\n",
     [("15:33", "CJM204", "invalid-value", "metric must be a metric key such as funnel.conversion",
       "did you mean 'funnel.conversion'?")]),
    ("a property name with a tab in `where:`", BASE + '        events: [{name: x, where: {"a\\tb": 1}}]\n',
     [("15:36", "CJM204", "invalid-value", "the key 'a\\tb' in where must be text on one line without tabs",
       "use spaces instead")]),
    ("event names that are text but not a name: the text's problem, not the accepted types",
     BASE + '        events: ["  ", "a\\tb", 3]\n',
     [("15:18", "CJM204", "invalid-value", "events is blank", ""),
      ("15:24", "CJM204", "invalid-value", "events must be text on one line without tabs", "use spaces instead"),
      ("15:32", "CJM203", "wrong-type", "events must be a mapping or text, not the number 3", "")]),
    ("an empty property name in `where:`", BASE + '        events: [{name: x, where: {"": 1}}]\n',
     [("15:36", "CJM204", "invalid-value", "the key '' in where must not be empty", "")]),
    ("an unprintable character in an emotion key is shown escaped", BASE.replace("emotion: 1", 'emotion: {"s\\am": 1}'),
     [("14:19", "CJM204", "invalid-value", "the key 's\\x07m' in emotion must be a persona id", "did you mean 's-m'?")]),
    ("a date and time where a date belongs", BASE.replace("goal: Buy shoes", "goal: Buy shoes\nreviewed: 2026-01-01T10:00"),
     [("4:11", "CJM204", "invalid-value", "reviewed must be a date written YYYY-MM-DD; got the text '2026-01-01T10:00'",
       "")]),
]


@pytest.mark.parametrize("what,text,expected", MORE_CASES, ids=[c[0] for c in MORE_CASES])
def test_more_schema_errors(what, text, expected):
    assert_findings(findings(text), expected)


@pytest.mark.parametrize("date, why", [
    ("0000-01-01", "there is no year 0"), ("2026-01-00", "there is no day 0"), ("2026-00-10", "there is no month 0"),
    ("2026-04-31", "April 2026 has 30 days"), ("2026-12-32", "December 2026 has 31 days"),
    ("2027-02-29", "February 2027 has 28 days"), ("2100-02-29", "February 2100 has 28 days"),
])
def test_why_a_date_does_not_exist(date, why):
    assert _impossible_date(date) == why
    got = findings(BASE.replace("goal: Buy shoes", f"goal: Buy shoes\nreviewed: {date}"))
    assert_findings(got, [("4:11", "CJM204", "invalid-value", f"reviewed: the date {date} does not exist ({why})",
                           "check the day and the month")])


@pytest.mark.parametrize("value", ["2026-02-28", "2000-02-29", "26-02-30", "2026-2-30", "soon", 20260230, None])
def test_dates_that_exist_or_are_not_written_yyyy_mm_dd_get_no_reason(value):
    assert _impossible_date(value) == ""


# --- the configuration ------------------------------------------------------------------------

CONFIG_CASES = [
    ("an unknown key", "cjm: 1\nmapz: ['*.yaml']\n",
     [("2:1", "CJM001", "config", "unknown key 'mapz' in the configuration", "did you mean 'maps'?")]),
    ("a misspelt rule level", "cjm: 1\nrules: {missing-goal: warnin}\n",
     [("2:23", "CJM001", "config", "missing-goal must be one of error, warning, info, off; got the text 'warnin'",
       "did you mean 'warning'?")]),
    ("a wrong level inside a rule's settings: that, and no noise about the settings as a whole",
     "cjm: 1\nrules: {missing-goal: {level: fatal}}\n",
     [("2:31", "CJM001", "config", "level must be one of error, warning, info, off; got the text 'fatal'", "")]),
    ("a duration", "cjm: 1\nanalytics:\n  funnel: {window: soon}\n",
     [("3:20", "CJM001", "config", "window: a duration must be like 90s, 30m, 1h, 7d, 2w or a number of seconds, "
       "not 'soon'", "")]),
    ("a step id as a key", "cjm: 1\nanalytics:\n  funnel: {limits: {Cart: {max: 1h}}}\n",
     [("3:21", "CJM001", "config", "the key 'Cart' in limits must be an id", "did you mean 'cart'?")]),
    ("a breakdown value with a tab", 'cjm: 1\nanalytics:\n  funnel: {breakdown: {by: t, personas: {"a\\tb": sam}}}\n',
     [("3:42", "CJM001", "config", "the key 'a\\tb' in personas must be text on one line without tabs", "")]),
    ("a list where a date belongs", "cjm: 1\nanalytics:\n  funnel: {since: [1]}\n",
     [("3:19", "CJM001", "config", "since must be a date (YYYY-MM-DD) or a date and time or text, not a list", "")]),
    ("a weight out of range", "cjm: 1\nsite: {weights: {effort: 101}}\n",
     [("2:26", "CJM001", "config", "effort is out of range: it should be less than or equal to 100", "")]),
    ("a format version of true", "cjm: true\n",
     [("1:6", "CJM001", "config", "the format version is true (true/false); this cjm reads version 1",
       "write `cjm: 1`")]),
    ("a section as text", "cjm: 1\nrender: svg\n",
     [("2:9", "CJM001", "config", "render must be a mapping, not the text 'svg'", "write a mapping")]),
]


@pytest.mark.parametrize("what,text,expected", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_configuration_errors(tmp_path, what, text, expected):
    assert_findings(config_findings(tmp_path, text), expected)


# --- the words ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, words", [
    (None, "nothing (null)"), (True, "true (true/false)"), (False, "false (true/false)"), (3, "the number 3"),
    (2.5, "the number 2.5"), ("ab", "the text 'ab'"), ("x" * 41, "the text '" + "x" * 37 + "...'"),
    ("x" * 40, "the text '" + "x" * 40 + "'"), ([1], "a list"), ({"a": 1}, "a mapping"), (b"x", "bytes"),
])
def test_how_a_value_is_described(value, words):
    assert _describe(value) == words


@pytest.mark.parametrize("value, hint", [
    ("Lee", "did you mean 'lee'?"), ("Café Crème", "did you mean 'cafe-creme'?"), ("  -Big  Deal!- ", "did you mean 'big-deal'?"),
    ("x" * 70 + " y", "did you mean '" + "x" * 64 + "'?"), ("ok", ""), ("!!!", ""), (42, ""), ("日本", ""),
])
def test_the_id_form_of_a_text(value, hint):
    assert _id_hint(value) == hint


def test_a_users_text_in_a_message_is_quoted_and_escaped():
    assert _quote("a\x1b[31mb") == "'a\\x1b[31mb'" and _quote(3) == "3"
