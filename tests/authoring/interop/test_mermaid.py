"""Importing a Mermaid journey: the parser (title, sections, tasks, actors,
comments, entity codes, front matter, fences, accessibility lines) and the
map it becomes. Export is the renderer's (tests/render/test_mermaid.py); the
round trip through the command line: tests/cli/test_interop.py."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.authoring.interop import ImportProblem
from cjm.authoring.interop.mermaid import Journey, Section, Task, journey_to_map, parse_journey
from cjm.model.journey import JourneyMap

DAY = """\
%% a comment line
journey
    title My working day
    section Go to work
      Make tea: 5: Me
      Go upstairs: 3: Me, Cat
    section Work
      Do work: 1: Me, Cat
"""


def tasks(j: Journey) -> list[tuple[str, str, float, list[str]]]:
    return [(s.name, t.name, t.score, t.actors) for s in j.sections for t in s.tasks]


def test_a_journey():
    j = parse_journey(DAY, "day.mmd")
    assert j.title == "My working day" and j.description is None
    assert tasks(j) == [("Go to work", "Make tea", 5, ["Me"]), ("Go to work", "Go upstairs", 3, ["Me", "Cat"]),
                        ("Work", "Do work", 1, ["Me", "Cat"])]
    assert [(s.line, [t.line for t in s.tasks]) for s in j.sections] == [(4, [5, 6]), (7, [8])]


@pytest.mark.parametrize("line, name", [
    ("Pay#58; the bus#59; fare: 2: Me", "Pay: the bus; fare"),  # entity codes are characters
    ("#116;itle the report: 3", "title the report"),
    ("Say #quot;hi#quot; #amp; go: 3", 'Say "hi" & go'),
    ("Bad #9999999; code: 3", "Bad #9999999; code"),  # not a character: kept as written
    ("Unknown #nosuch; name: 3", "Unknown #nosuch; name"),
    ("Coffee: 4   # the rest is a comment", "Coffee"),
    ("  Spaced   out  : 4", "Spaced   out"),
])
def test_task_names(line, name):
    j = parse_journey(f"journey\n  section S\n    {line}\n")
    assert j.sections[0].tasks[0].name == name


@pytest.mark.parametrize("text, score", [("3", 3), ("3.0", 3), ("4.5", 4.5), (" 1 ", 1), ("5", 5), ("1e0", 1)])
def test_scores(text, score):
    (task,) = parse_journey(f"journey\n  section S\n    T:{text}\n").sections[0].tasks
    assert task.score == score and type(task.score) is type(score)


def test_actors_are_trimmed_and_empty_ones_dropped():
    (task,) = parse_journey("journey\n  section S\n    T: 3:  Me ,, You ,\n").sections[0].tasks
    assert task.actors == ["Me", "You"]


def test_tasks_before_any_section_go_into_an_unnamed_one():
    j = parse_journey("journey\n  Early: 3\n  section Later\n    Late: 4\n")
    assert [(s.name, [t.name for t in s.tasks]) for s in j.sections] == [("", ["Early"]), ("Later", ["Late"])]


def test_titles_from_front_matter_title_line_or_acc_title():
    assert parse_journey("---\ntitle: 'Front'\n---\njourney\n  section S\n    T: 3\n").title == "Front"
    assert parse_journey("journey\n  title T\n  section S\n    x: 3\n  title U\n").title == "U"  # the last one
    assert parse_journey("journey\n  accTitle: A\n  section S\n    x: 3\n").title == "A"
    assert parse_journey("journey\n  title T\n  accTitle: A\n  section S\n    x: 3\n").title == "T"


def test_descriptions_on_one_line_or_in_a_block():
    assert parse_journey("journey\n  accDescr: How a day goes\n  section S\n    x: 3\n").description == \
        "How a day goes"
    block = parse_journey("journey\n  accDescr {\n    line one\n    line two\n  }\n  section S\n    x: 3\n")
    assert block.description == "line one\nline two"
    assert parse_journey("journey\n  accDescr { inline }\n  section S\n    x: 3\n").description == "inline"


def test_the_first_mermaid_fence_of_a_markdown_file():
    md = "# Notes\n\n```js\nnot this\n```\n\n```mermaid\n" + DAY + "```\n\n```mermaid\njourney\n```\n"
    j = parse_journey(md)
    assert j.title == "My working day" and len(tasks(j)) == 3
    assert j.sections[0].line == 4 + 7  # lines are counted in the whole file
    assert parse_journey("~~~ Mermaid\n" + DAY + "~~~\n").title == "My working day"


@pytest.mark.parametrize("text, line, column, words", [
    ("", 1, 1, "no `journey` diagram found"),
    ("%% only a comment\n", 1, 1, "no `journey` diagram found"),
    ("graph TD\n  A --> B\n", 1, 1, "expected `journey`"),
    ("\n\n    graph\n", 3, 5, "expected `journey`"),
    ("journey\n", 1, 1, "no sections and no tasks"),
    ("journey\n  title only\n", 2, 1, "no sections and no tasks"),
    ("journey\n  section A: B\n", 2, 12, "a section name cannot hold ':'"),
    ("journey\n  section S\n    T: 3; x\n", 3, 9, "does not allow ';'"),
    ("journey\n  section S\n    Task: high: Me\n", 3, 10, "not a number: 'high'"),
    ("journey\n  section S\n    Task: 7: Me\n", 3, 10, "is 7; Mermaid scores run from 1 to 5"),
    ("journey\n  section S\n    Task: 0\n", 3, 10, "run from 1 to 5"),
    ("journey\n  section S\n    Just words\n", 3, 5, "expected a task"),
])
def test_problems_at_their_line_and_column(text, line, column, words):
    with pytest.raises(ImportProblem) as caught:
        parse_journey(text, "j.mmd")
    problem = caught.value
    assert (problem.file, problem.line, problem.column) == ("j.mmd", line, column)
    assert words in problem.message


@settings(deadline=None)
@given(st.text(max_size=300))
def test_any_text_either_parses_or_is_a_problem_at_a_line(text):
    try:
        j = parse_journey(text)
    except ImportProblem as problem:
        assert 1 <= problem.line <= max(1, len(text.splitlines()))
        assert problem.column >= 1
    else:
        assert j.sections


# --- the map it becomes -------------------------------------------------------------------


def test_journey_to_map():
    data = journey_to_map(parse_journey(DAY), "Fallback")
    assert data["title"] == "My working day" and data["scale"] == {"min": 1, "max": 5}
    assert data["personas"] == [{"id": "me", "name": "Me"}, {"id": "cat", "name": "Cat"}]
    assert [(s["id"], s["name"]) for s in data["stages"]] == [("go-to-work", "Go to work"), ("work", "Work")]
    tea, stairs = data["stages"][0]["touchpoints"]
    assert tea == {"id": "make-tea", "name": "Make tea", "emotion": {"me": 5}, "personas": ["me"]}
    assert stairs == {"id": "go-upstairs", "name": "Go upstairs", "emotion": {"me": 3, "cat": 3}}  # everyone
    JourneyMap.model_validate(data)


def test_the_map_validates_and_keeps_the_models_key_order():
    data = journey_to_map(Journey(None, "About", [Section("", 1, [Task("", 3, [], 1), Task("", 2, [], 2)])]))
    assert list(data) == ["cjm", "title", "description", "scale", "stages"]
    assert data["title"] == "Imported journey" and data["description"] == "About"
    (stage,) = data["stages"]
    assert (stage["id"], stage["name"]) == ("journey", "Journey")  # an unnamed section
    assert [t["id"] for t in stage["touchpoints"]] == ["step", "step-2"]
    assert [t["name"] for t in stage["touchpoints"]] == ["(unnamed)", "(unnamed)"]
    JourneyMap.model_validate(data)


def test_a_task_without_actors_scores_for_everyone():
    data = journey_to_map(parse_journey("journey\n  section S\n    A: 3: Me\n    B: 2\n"))
    assert data["stages"][0]["touchpoints"][1] == {"id": "b", "name": "B", "emotion": 2}


def test_ids_are_unique_per_kind_and_avoid_the_catalogues_persona_ids():
    text = "journey\n  section Work\n    Do work: 1: Me\n    Do work: 4: Boss\n  section Work\n    Rest: 5: Me\n"
    data = journey_to_map(parse_journey(text), taken_persona_ids={"me"})
    assert [p["id"] for p in data["personas"]] == ["me-2", "boss"]
    assert [s["id"] for s in data["stages"]] == ["work", "work-2"]
    assert [t["id"] for s in data["stages"] for t in s["touchpoints"]] == ["do-work", "do-work-2", "rest"]


def test_actors_whose_names_make_the_same_id_stay_apart():
    data = journey_to_map(parse_journey("journey\n  section S\n    T: 3: Ann B, ann-b\n"))
    assert data["personas"] == [{"id": "ann-b", "name": "Ann B"}, {"id": "ann-b-2", "name": "ann-b"}]


# Task names without the characters Mermaid's journey syntax gives a meaning.
TASK_NAMES = st.text(min_size=1, max_size=15).filter(lambda s: s.strip() and not set(s) & set(":;#%\n\r,{}"))


@settings(deadline=None, max_examples=50)
@given(st.lists(st.tuples(TASK_NAMES, st.integers(1, 5), st.lists(st.sampled_from(["Me", "You", "Cat"]), max_size=3)),
                min_size=1, max_size=8))
def test_every_parsed_journey_becomes_a_valid_map(rows):
    lines = ["journey", "  section S"]
    for name, score, actors in rows:
        lines.append(f"    {name}: {score}" + (f": {', '.join(actors)}" if actors else ""))
    try:
        journey = parse_journey("\n".join(lines) + "\n")
    except ImportProblem:
        return  # a name Mermaid reads as a keyword line; the parser said where
    JourneyMap.model_validate(journey_to_map(journey))
