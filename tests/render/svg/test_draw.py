"""Drawing (cjm.render.svg.draw): a scene becomes SVG markup. Every text and
every attribute value is cleaned of what XML cannot hold and escaped, so any
string comes out as the same text in well-formed XML; numbers have at most
one decimal and the same value is always written the same way."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cjm.present.escape import xml_text
from cjm.render.svg import draw
from cjm.render.svg.scene import Circle, Group, Line, Path, Rect, Scene, Text
from render_inputs import HOSTILE

NS = "{http://www.w3.org/2000/svg}"

ATTACKS = HOSTILE + [
    '" onmouseover="alert(1)', "' onload='x", "]]><x/>", "<!-- x -->", "<?xml x?>", "&", "&amp;", "&#0;",
    "\x00\x01\x08\x0b\x0c\x0e\x1f\x7f", "\ufffe\uffff", "a\r\nb\rc\td", "javascript:alert(1)",
    "</text></g><script>x</script>", "\u202eevil", "\u2028\u2029", "\U0001f389",
]
strings = st.one_of(st.sampled_from(ATTACKS), st.text(min_size=1, max_size=40),
                    st.text(alphabet=st.sampled_from("<>&\"'\r\n\t\x00\x7f]\ufffe "), min_size=1, max_size=12))


def as_text(s: str) -> str:
    """What an XML parser reads back from text content: line ends normalised."""
    return xml_text(s).replace("\r\n", "\n").replace("\r", "\n")


def as_attr(s: str) -> str:
    """...and from an attribute value: white space characters become spaces."""
    return re.sub(r"[\t\n]", " ", as_text(s))


def document(scene: Scene) -> ET.Element:
    return ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{draw.body(scene)}</svg>')


def every_part(s: str) -> Scene:
    """A scene with ``s`` in every text and every attribute value a scene can carry."""
    return Scene(100, 100, "t", "d", "light", Group("cjm-root", [
        Text(1.25, [10], [s], "cjm-text", 12),
        Text(5, [10, 24], [s, s + "!"], "cjm-text", 12, bold=True, italic=True, anchor="middle", spacing=0.05),
        Circle(1, 2, 3, "cjm-point", fill=s, stroke=s, title=s, attrs={"data-touchpoint": s}),
        Rect(0, 0, 1, 1, "cjm-bg", fill=s, stroke=s),
        Line(0, 0, 1, 1, "cjm-grid", stroke=s),
        Path([("M", (0, 0)), ("L", (1, 1))], "cjm-curve-line", stroke=s, fill=s),
        Group("cjm-evidence", [Text(0, [1], [s], "cjm-link", 11)], attrs={"data-personas": s}, title=s, href=s,
              role=s, label=s),
        Group("cjm-card", [Rect(0, 0, 1, 1)], title=s),
    ], attrs={"data-map": s}))


TAGS = ["svg", "g", "text", "text", "tspan", "tspan", "circle", "title", "rect", "line", "path", "a", "title", "text",
        "g", "title", "rect"]


@settings(max_examples=300, deadline=None)
@given(s=strings)
@example(s="\x00")
def test_any_string_comes_out_as_the_same_text_in_well_formed_xml(s):
    root = document(every_part(s))
    assert [el.tag.removeprefix(NS) for el in root.iter()] == TAGS  # nothing added, nothing broken out of
    root_g = root[0]
    single, multi, circle, rect, line, path, link, card = list(root_g)
    assert root_g.get("data-map") == as_attr(s)
    assert (single.text or "") == as_text(s)
    assert [(span.text or "") for span in multi] == [as_text(s), as_text(s + "!")]
    assert circle.get("fill") == circle.get("stroke") == circle.get("data-touchpoint") == as_attr(s)
    assert (circle[0].text or "") == as_text(s)
    assert rect.get("fill") == rect.get("stroke") == as_attr(s)
    assert line.get("stroke") == as_attr(s)
    assert path.get("fill") == path.get("stroke") == as_attr(s)
    for name in ("href", "role", "aria-label", "data-personas"):
        assert link.get(name) == as_attr(s), name
    assert link.get("rel") == "noopener noreferrer"
    assert (link[0].text or "") == as_text(s) and (link[1].text or "") == as_text(s)
    assert (card[0].text or "") == as_text(s)
    for el in root.iter():  # no attribute smuggled in by the text
        assert not [a for a in el.attrib if a.lower().startswith("on")]


def test_empty_strings_leave_out_what_they_would_fill():
    root = document(every_part(""))
    assert [el.tag.removeprefix(NS) for el in root.iter()] == [
        "svg", "g", "text", "text", "tspan", "tspan", "circle", "rect", "line", "path", "g", "text", "g", "rect"]
    link = root[0][6]
    assert link.get("href") is None and link.get("role") is None and link.get("aria-label") is None


def test_the_escaper_escapes_markup_and_quotes():
    assert draw.esc('<a href="x">Tom & Jerry\'s</a>') == \
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt;"
    assert draw.esc("&amp;") == "&amp;amp;"  # text, not an entity
    assert draw.esc("bell\x07 nul\x00 \ufffe end") == "bell nul  end"


# --- numbers --------------------------------------------------------------------------------
@pytest.mark.parametrize("value, text", [
    (0, "0"), (0.0, "0"), (-0.0, "0"), (-0.04, "0"), (0.04, "0"), (2.0, "2"), (-3.0, "-3"), (12.345, "12.3"),
    (0.06, "0.1"), (-0.06, "-0.1"), (1e6, "1000000"), (1234.96, "1235"), (-7.25, "-7.2"), (7, "7"), (99.95, "100"),
])
def test_numbers_have_at_most_one_decimal(value, text):
    assert draw.num(value) == text


@settings(max_examples=500, deadline=None)
@given(v=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False))
def test_any_number_is_written_the_same_way_and_close(v):
    s = draw.num(v)
    assert re.fullmatch(r"-?(0|[1-9]\d*)(\.\d)?", s), s
    assert not s.endswith(".0") and s != "-0"
    assert abs(float(s) - v) <= 0.05 + 1e-9 * abs(v)
    draw.num.cache_clear()
    assert draw.num(v) == s  # not an artefact of the cache


def test_every_number_in_the_markup_has_at_most_one_decimal():
    sc = Scene(10, 10, "t", "d", "light", Group("r", [
        Rect(1 / 3, 2 / 3, 10 / 7, 1e-9, rx=0.3333), Line(-0.0001, 5.55, 1.05, 2),
        Circle(0.123, 4.56, 7.891), Text(3.14159, [2.71828, 1.41421], ["a", "b"], "c", 12.5),
        Path([("M", (0.111, 0.222)), ("C", (1.111, 2.222, 3.333, 4.444, 5.555, 6.666)), ("Z", ())]),
    ]))
    out = draw.body(sc)
    for name, value in re.findall(r'\s(x|y|x1|y1|x2|y2|cx|cy|r|rx|width|height|font-size)="([^"]*)"', out):
        assert re.fullmatch(r"-?\d+(\.\d)?", value), (name, value)
    for pair in re.findall(r'd="([^"]*)"', out)[0].replace("M", " ").replace("C", " ").replace("Z", "").split():
        for value in pair.split(","):
            assert re.fullmatch(r"-?\d+(\.\d)?", value), value


# --- each part -------------------------------------------------------------------------------------
def test_text_one_line_and_several():
    assert draw.text(Text(1, [2], ["Hi"], "cjm-text", 12)) == '<text class="cjm-text" x="1" y="2" font-size="12">Hi</text>'
    out = draw.text(Text(1.26, [2, 16.04], ["a", "b"], "", 9.5, bold=True, italic=True, anchor="end", spacing=0.05))
    assert out == ('<text x="1.3" font-size="9.5" font-weight="700" font-style="italic" letter-spacing="0.05em" '
                   'text-anchor="end"><tspan x="1.3" y="2">a</tspan><tspan x="1.3" y="16">b</tspan></text>')
    assert draw.text(Text(0, [], [], "c", 10)) == '<text class="c" x="0" font-size="10"></text>'


def test_rect_line_circle_path():
    assert draw.rect(Rect(0, 1, 2, 3)) == '<rect x="0" y="1" width="2" height="3"/>'
    assert draw.rect(Rect(0, 1, 2, 3, "c", rx=4, fill="#fff", stroke="red", opacity=0)) == \
        '<rect class="c" x="0" y="1" width="2" height="3" rx="4" fill="#fff" stroke="red" fill-opacity="0"/>'
    assert draw.line(Line(0, 1, 2, 3, "g", stroke="#000", dashed=True)) == \
        '<line class="g" x1="0" y1="1" x2="2" y2="3" stroke="#000" stroke-dasharray="5 4"/>'
    assert draw.circle(Circle(1, 2, 3)) == '<circle cx="1" cy="2" r="3"/>'
    assert draw.circle(Circle(1, 2, 3, "p", fill="#111", title="Ann: +1", attrs={"data-touchpoint": "t1"})) == \
        '<circle class="p" cx="1" cy="2" r="3" fill="#111" data-touchpoint="t1"><title>Ann: +1</title></circle>'
    assert draw.path_data([("M", (1, 2)), ("L", (3, 4)), ("C", (1, 2, 3, 4, 5, 6)), ("Q", (1, 2, 3, 4)), ("H", (5,)),
                           ("V", (6,)), ("Z", ())]) == "M1,2L3,4C1,2 3,4 5,6Q1,2 3,4H5V6Z"
    assert draw.path(Path([("M", (0, 0))], "c", stroke="#f00", dashed=True)) == \
        '<path class="c" d="M0,0" stroke="#f00" stroke-dasharray="6 5"/>'


def test_a_group_with_a_link_is_an_a():
    g = Group("cjm-evidence", [Rect(0, 0, 1, 1)], href="https://example.com/?a=1&b=2")
    assert draw.group(g) == ('<a class="cjm-evidence" href="https://example.com/?a=1&amp;b=2" '
                             'rel="noopener noreferrer"><rect x="0" y="0" width="1" height="1"/></a>')
    g = Group("cjm-card", [], attrs={"data-stage": "s1"}, title="Tip", role="button", label="Open")
    assert draw.group(g) == '<g class="cjm-card" data-stage="s1" role="button" aria-label="Open"><title>Tip</title></g>'


def test_unknown_parts_are_refused():
    with pytest.raises(KeyError):
        draw.part("<script>")


def test_body_is_the_root_group_one_part_a_line():
    sc = Scene(1, 1, "t", "d", "light", Group("cjm-map-body", [Rect(0, 0, 1, 1), Group("g")],
                                               attrs={"data-theme": "light"}))
    assert draw.body(sc).split("\n") == ['<g class="cjm-map-body" data-theme="light">',
                                         '<rect x="0" y="0" width="1" height="1"/>', '<g class="g"></g>', "</g>"]


def test_the_same_scene_is_the_same_markup():
    a, b = every_part("Tom & <Jerry>"), every_part("Tom & <Jerry>")
    assert draw.body(a) == draw.body(b)
    draw.esc.cache_clear()
    draw.num.cache_clear()
    assert draw.body(a) == draw.body(b)
