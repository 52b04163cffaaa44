"""The scene (cjm.render.svg.scene): plain dataclasses with numbers that the
layout fills and the drawing step reads; what tests ask of it (extents,
walking, finding groups and cards, the characters each font face draws)."""

from __future__ import annotations

import dataclasses

import pytest

from cjm.render.svg.scene import Circle, Group, Line, Path, Rect, Scene, Text


def text(x=10.0, anchor="start", widths=(30.0, 50.0), size=10.0, ys=(20.0, 34.0)) -> Text:
    return Text(x, list(ys), ["line"] * len(ys), "cjm-text", size, anchor=anchor, widths=list(widths))


# --- Text ------------------------------------------------------------------------------
def test_text_width_is_its_widest_line():
    assert text().width == 50.0
    assert text(widths=()).width == 0.0


@pytest.mark.parametrize("anchor, extent", [("start", (10.0, 60.0)), ("middle", (-15.0, 35.0)), ("end", (-40.0, 10.0))])
def test_text_extent_follows_its_anchor(anchor, extent):
    assert text(anchor=anchor).extent() == extent


def test_text_top_and_bottom():
    t = text(size=10.0, ys=(20.0, 34.0))
    assert t.top() == pytest.approx(20.0 - 9.2)  # ascent above the first baseline
    assert t.bottom() == pytest.approx(34.0 + 2.5)  # descent below the last
    empty = text(ys=())
    assert empty.top() == 0.0 and empty.bottom() == 0.0


def test_text_defaults():
    t = Text(0, [10], ["x"], "c", 12)
    assert (t.bold, t.italic, t.anchor, t.widths, t.spacing) == (False, False, "start", [], 0.0)


# --- Path --------------------------------------------------------------------------------
def test_path_points_are_the_end_of_every_drawing_command():
    p = Path([("M", (0, 1)), ("L", (2, 3)), ("C", (4, 5, 6, 7, 8, 9)), ("Q", (1, 1, 10, 11)), ("H", (5,)),
              ("V", (6,)), ("Z", ())])
    assert p.points() == [(0, 1), (2, 3), (8, 9), (10, 11)]
    assert Path([]).points() == []


# --- Group ----------------------------------------------------------------------------------
def test_add_skips_nothing_but_none_and_chains():
    r, c = Rect(0, 0, 1, 1), Circle(0, 0, 1)
    g = Group("x")
    assert g.add(r, None, c).add(None) is g
    assert g.children == [r, c]


def test_walk_is_depth_first_in_drawing_order():
    a, b, c, d, e = (Rect(i, 0, 1, 1) for i in range(5))
    inner2 = Group("inner2", [c])
    inner = Group("inner", [b, inner2, d])
    empty = Group("empty")
    root = Group("root", [a, inner, empty, e])
    assert list(root.walk()) == [a, inner, b, inner2, c, d, empty, e]
    assert list(Group().walk()) == []


def test_walk_goes_deep_without_recursion():
    root = Group("r")
    g = root
    for _ in range(5000):  # deeper than Python's recursion limit
        child = Group("g")
        g.add(child)
        g = child
    g.add(Rect(1, 2, 3, 4))
    parts = list(root.walk())
    assert len(parts) == 5001 and isinstance(parts[-1], Rect)


def test_mutable_defaults_are_not_shared():
    a, b = Group(), Group()
    a.add(Rect(0, 0, 1, 1))
    a.attrs["data-x"] = "1"
    assert b.children == [] and b.attrs == {}
    assert Circle(0, 0, 1).attrs is not Circle(0, 0, 1).attrs
    assert Text(0, [], [], "", 1).widths is not Text(0, [], [], "", 1).widths


@pytest.mark.parametrize("part", [Text(0, [], [], "", 1), Rect(0, 0, 1, 1), Line(0, 0, 1, 1), Circle(0, 0, 1),
                                  Path([]), Group()])
def test_parts_have_slots(part):
    """Millions of parts on a big map: no per-object __dict__, and a typo in a field name is an error."""
    assert not hasattr(part, "__dict__")
    with pytest.raises(AttributeError):
        part.colour = "red"
    assert dataclasses.is_dataclass(part)


# --- Scene -------------------------------------------------------------------------------------
@pytest.fixture
def scene() -> Scene:
    card = Group("cjm-card cjm-pain", [Rect(0, 0, 10, 10, "cjm-pain-shape"),
                                       Text(1, [5], ["Slow"], "cjm-pain-title", 12, bold=True)],
                 box=Rect(0, 0, 10, 10))
    pill = Group("cjm-pill", [Text(1, [5], ["Ok"], "cjm-tag-label", 9, italic=True)], box=Rect(0, 0, 5, 5))
    plain = Group("cjm-cards", [Text(1, [5], ["Zoë", "ab"], "cjm-text", 12)])
    both = Text(0, [1], ["Qq"], "cjm-x", 10, bold=True, italic=True)
    root = Group("cjm-root", [card, Group("cjm-lane", [pill, plain]), both])
    return Scene(100, 50, "Title", "Desc", "light", root)


def test_scene_walk_starts_at_the_root(scene):
    parts = list(scene.walk())
    assert parts[0] is scene.root
    assert len(parts) == 1 + len(list(scene.root.walk()))


def test_texts_groups_and_cards(scene):
    assert [t.lines[0] for t in scene.texts()] == ["Slow", "Ok", "Zoë", "Qq"]
    assert [g.cls for g in scene.groups("cjm-card")] == ["cjm-card cjm-pain"]  # a class, not a prefix
    assert [g.cls for g in scene.groups("cjm-pain")] == ["cjm-card cjm-pain"]
    assert [g.cls for g in scene.groups("cjm-cards")] == ["cjm-cards"]
    assert scene.groups("cjm") == []
    assert [g.cls for g in scene.cards()] == ["cjm-card cjm-pain", "cjm-pill"]
    assert scene.compare is False


def test_faces_collect_the_characters_of_each_face(scene):
    assert scene.faces() == {"bold": set("SlowQq"), "italic": set("Ok"), "regular": set("Zoëab")}
    empty = Scene(1, 1, "", "", "light", Group())
    assert empty.faces() == {}
