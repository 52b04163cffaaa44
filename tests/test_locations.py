"""Source positions: the one 1-based Span, document paths in words, and the
position index that turns a path inside a document into file:line:column."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.locations import PositionIndex, Span, format_path

# --- Span ----------------------------------------------------------------------


def test_span_defaults_to_the_start_of_the_file():
    s = Span("m.yaml")
    assert (s.line, s.column, s.end_line, s.end_column) == (1, 1, None, None)
    assert str(s) == "m.yaml:1:1"


def test_span_prints_as_editors_and_compilers_do():
    assert str(Span("maps/shop.yaml", 14, 24, 14, 25)) == "maps/shop.yaml:14:24"
    assert str(Span("<stdin>", 3, 7)) == "<stdin>:3:7"


def test_span_is_a_frozen_ordered_value():
    spans = [Span("b.yaml", 1, 1), Span("a.yaml", 10, 1), Span("a.yaml", 2, 5), Span("a.yaml", 2, 3)]
    assert sorted(spans) == [Span("a.yaml", 2, 3), Span("a.yaml", 2, 5), Span("a.yaml", 10, 1), Span("b.yaml", 1, 1)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spans[0].line = 3  # type: ignore[misc]
    assert len({Span("a.yaml", 1, 1), Span("a.yaml", 1, 1)}) == 1


# --- format_path ---------------------------------------------------------------


@pytest.mark.parametrize("path, text", [
    ((), "(document)"),
    (("title",), "title"),
    (("stages", 0), "stages[0]"),
    (("stages", 0, "touchpoints", 2, "emotion"), "stages[0].touchpoints[2].emotion"),
    (("stages", 0, "touchpoints", 0, "emotion", "sam"), "stages[0].touchpoints[0].emotion.sam"),
    ((0,), "[0]"),
    ((0, 1, "a"), "[0][1].a"),
    (("a", "b", "c"), "a.b.c"),
])
def test_format_path(path, text):
    assert format_path(path) == text


@settings(deadline=None, max_examples=50)
@given(st.lists(st.one_of(st.integers(0, 10_000), st.from_regex(r"[a-z_]{1,8}", fullmatch=True)), max_size=8))
def test_format_path_names_every_part_in_order(path):
    text = format_path(tuple(path))
    if not path:
        assert text == "(document)"
        return
    rebuilt = []
    for part in path:
        rebuilt.append(f"[{part}]" if isinstance(part, int) else ("." if rebuilt else "") + part)
    assert text == "".join(rebuilt)
    assert text.count("[") == sum(isinstance(p, int) for p in path)


# --- PositionIndex -------------------------------------------------------------

TEXT = """\
title: Shop
stages:
  - id: buy
    touchpoints:
      - id: cart
        emotion: {sam: 1}
"""


@pytest.fixture(scope="module")
def index() -> PositionIndex:
    from cjm.loader import parse_text

    doc = parse_text("shop.yaml", TEXT)
    assert not doc.findings
    return doc.index


@pytest.mark.parametrize("path, key, where", [
    ((), False, (1, 1)),
    (("title",), False, (1, 8)),
    (("title",), True, (1, 1)),
    (("stages", 0, "id"), False, (3, 9)),
    (("stages", 0, "id"), True, (3, 5)),
    (("stages", 0, "touchpoints", 0, "emotion", "sam"), False, (6, 24)),
    (("stages", 0, "touchpoints", 0, "emotion", "sam"), True, (6, 19)),
])
def test_span_of_a_value_or_its_key_is_1_based(index, path, key, where):
    span = index.span(path, key=key)
    assert (span.file, span.line, span.column) == ("shop.yaml", *where)
    assert span.end_line is not None and (span.end_line, span.end_column) >= (span.line, span.column)


def test_span_has_the_end_of_the_value(index):
    span = index.span(("title",))
    assert (span.line, span.column, span.end_line, span.end_column) == (1, 8, 1, 12)  # "Shop"


@pytest.mark.parametrize("path, key, nearest", [
    (("goal",), False, ()),  # a missing key: the mapping that lacks it (the document)
    (("goal",), True, ()),
    (("stages", 0, "name"), False, ("stages", 0)),
    (("stages", 0, "name"), True, ("stages", 0)),
    (("stages", 7, "touchpoints"), False, ("stages",)),  # a missing item: the list
    (("stages", 0, "touchpoints", 0, "emotion", "lee"), True, ("stages", 0, "touchpoints", 0, "emotion")),
])
def test_a_missing_path_points_at_its_nearest_ancestor_that_exists(index, path, key, nearest):
    assert index.span(path, key=key) == index.span(nearest)
    assert not index.has(path)


def test_has(index):
    assert index.has(()) and index.has(("stages", 0, "touchpoints", 0, "emotion", "sam"))
    assert index.has(["stages", 0])  # any sequence is a path
    assert not index.has(("nope",))


def test_an_empty_index_points_at_the_start_of_the_file():
    empty = PositionIndex("x.yaml")
    assert empty.span(("a", 0, "b")) == Span("x.yaml", 1, 1)
    assert empty.span((), key=True) == Span("x.yaml", 1, 1)
    assert not empty.has(())


def test_the_index_converts_0_based_marks_once():
    index = PositionIndex("f.yaml")
    index.values[()] = (0, 0, 3, 0)
    index.values[("a",)] = (1, 4, 1, 9)
    index.keys[("a",)] = (1, 0, 1, 1)
    assert index.span(("a",)) == Span("f.yaml", 2, 5, 2, 10)
    assert index.span(("a",), key=True) == Span("f.yaml", 2, 1, 2, 2)
    assert index.span(("b",)) == Span("f.yaml", 1, 1, 4, 1)


def test_a_key_span_falls_back_to_values_not_to_keys_of_ancestors(index):
    """A missing key's own key has no span: the ancestor's value is the place."""
    assert index.span(("stages", 0, "touchpoints", 0, "channel"), key=True) == index.span(
        ("stages", 0, "touchpoints", 0))
