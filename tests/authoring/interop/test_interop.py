"""What the importers share: ids made from free text, unique within a kind,
problems at a line and column, and YAML in cjm fmt's layout."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.authoring.interop import ID_MAX, IdMaker, ImportProblem, dump_yaml, slugify

ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")  # the format's id


@pytest.mark.parametrize("text, slug", [
    ("Checkout", "checkout"),
    ("Go to work", "go-to-work"),
    ("  --Hello,  World!--  ", "hello-world"),
    ("Café au lait", "cafe-au-lait"),  # accents dropped, letters kept
    ("Ünïcödé", "unicode"),
    ("\ufb01le", "file"),  # compatibility characters decomposed
    ("Step 2: pay", "step-2-pay"),
    ("snake_case name", "snake-case-name"),
    ("a" * 70, "a" * ID_MAX),
    ("x-" * 40, ("x-" * 32)[:ID_MAX].rstrip("-")),  # never ends with '-' after the cut
])
def test_slugify(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize("text", ["", "   ", "日本語", "!!!", "---", "😀"])
def test_slugify_falls_back_when_nothing_is_left(text):
    assert slugify(text) == "item" and slugify(text, "step") == "step"


@settings(deadline=None)
@given(st.text(max_size=120))
def test_a_slug_is_always_a_valid_id(text):
    slug = slugify(text)
    assert ID.match(slug) and len(slug) <= ID_MAX and not slug.endswith("-")


def test_ids_are_unique_within_a_kind():
    ids = IdMaker()
    assert [ids.make(t) for t in ("Do work", "Do work", "do  WORK!", "Other")] == ["do-work", "do-work-2",
                                                                                 "do-work-3", "other"]
    assert ids.taken == {"do-work", "do-work-2", "do-work-3", "other"}


def test_ids_already_taken_are_avoided():
    ids = IdMaker({"me"})
    assert ids.make("Me") == "me-2"
    assert IdMaker(None).make("Me") == "me"


def test_take_reserves_an_id_as_given():
    ids = IdMaker()
    assert ids.take("checkout") == "checkout"
    assert ids.make("Checkout") == "checkout-2"


def test_a_long_id_is_cut_to_make_room_for_its_number():
    ids = IdMaker()
    first, second = ids.make("b" * 80), ids.make("b" * 80)
    assert first == "b" * ID_MAX and second == "b" * (ID_MAX - 2) + "-2"
    tenth = [ids.make("b" * 80) for _ in range(8)][-1]
    assert tenth == "b" * (ID_MAX - 3) + "-10" and len(tenth) == ID_MAX


@settings(deadline=None, max_examples=50)
@given(st.lists(st.text(max_size=70), max_size=30))
def test_made_ids_are_unique_and_valid(texts):
    ids = IdMaker()
    made = [ids.make(t) for t in texts]
    assert len(set(made)) == len(made)
    assert all(ID.match(i) and len(i) <= ID_MAX for i in made)


def test_import_problem_reads_as_file_line_column():
    problem = ImportProblem("day.mmd", 3, 9, "the score is 9")
    assert str(problem) == "day.mmd:3:9: the score is 9"
    assert isinstance(problem, Exception)
    with pytest.raises(ImportProblem):
        raise problem


def test_dump_yaml_is_in_the_formatters_layout_and_loads_back():
    from cjm.authoring.formatter import format_text
    from cjm.loader import parse_text

    data = {"title": "Yes", "cjm": 1, "stages": [{"name": "On", "id": "s", "touchpoints": [
        {"id": "t", "name": "1.0", "emotion": 1}]}]}
    text = dump_yaml(data)
    assert text.startswith('cjm: 1\ntitle: "Yes"\nstages:\n  - id: s\n    name: "On"\n')  # model key order
    assert not format_text("x.yaml", text).changed
    assert parse_text("x.yaml", text).data == data  # YAML 1.1 booleans and numbers stay strings
    assert dump_yaml({"cjm": 1, "title": "t"}, "# header\n").startswith("# header\ncjm: 1\n")
