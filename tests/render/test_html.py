"""The HTML page (``cjm render -f html``): golden output, the CSP, escaping,
template overrides, and the page's behaviour in a real headless Chromium.

The golden file pins the page's own markup (templates, CSS, JS, tables, JSON
data). The map picture inside it comes from ``cjm.render.svg`` and has its own
tests, so the golden test swaps in a small fixed SVG (with a ``<style>``
block, to pin how its hash enters the CSP); the browser tests use the real SVG.
Regenerate with ``pytest --update-golden`` or ``CJM_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import browser, chromium_missing, open_page
from conftest import EXAMPLES, ROOT, load

from cjm.model.journey import JourneyMap, Link
from cjm.model.resolve import LANES, resolve
from cjm.diagnostics.errors import TemplateError as RenderError
from cjm.present.words import KpiStatus
from cjm.render import RenderOptions
from cjm.render import html as page_renderer

GOLDEN = ROOT / "tests" / "golden" / "html"
EXAMPLE = EXAMPLES / "ecommerce-current.yaml"
FIXED_SVG = ('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" '
             'viewBox="0 0 40 20"><style>.cjm-fixed { fill: #336699; }</style>'
             '<g data-lane="actions"><rect class="cjm-fixed" width="40" height="20"/></g></svg>\n')


def example(name: str = "ecommerce-current.yaml"):
    doc = load(EXAMPLES / name)
    assert doc.data is not None, doc.findings
    return resolve(JourneyMap.model_validate(doc.data), name)


def render(resolved, **options) -> str:
    return page_renderer.render(resolved, RenderOptions(**options))


# --- reading the page back -------------------------------------------------------
class _Blocks(HTMLParser):
    """Inline <style>/<script> texts, attributes of every element, CSP.

    Inside <svg> (foreign content) a browser decodes character references in
    <style>, and hashes the decoded text; html.parser keeps them raw."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.styles: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.elements: list[tuple[str, dict]] = []
        self.csp: list[str] = []
        self._open: tuple[str, dict] | None = None
        self._text: list[str] = []
        self._svg = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._svg += tag == "svg"
        self.elements.append((tag, a))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(a.get("content") or "")
        if tag in ("style", "script"):
            self._open, self._text = (tag, a), []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        self._svg -= tag == "svg"
        if self._open and tag == self._open[0]:
            text = "".join(self._text)
            text = html.unescape(text) if self._svg else text
            if tag == "style":
                self.styles.append(text)
            else:
                self.scripts.append((self._open[1], text))
            self._open = None


def blocks(page: str) -> _Blocks:
    parser = _Blocks()
    parser.feed(page)
    return parser


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


# --- golden and determinism ---------------------------------------------------------
def without_assets(page: str) -> str:
    """The page with cjm's static assets (style.css, extra.css, script.js) and
    their CSP hashes cut out: the golden file holds what cjm makes of a map,
    not copies of files that are tested on their own, so a style edit does
    not invite a blind regeneration."""
    from cjm.render.templating import environment

    env = environment(None)
    for name in (*page_renderer.STYLE_ASSETS, page_renderer.SCRIPT_ASSET):
        source = env.loader.get_source(env, name)[0].replace("\r\n", "\n").replace("\r", "\n")
        if source.strip():
            assert source in page, f"{name} is not inlined as it is"
            page = page.replace(source, f"/* {name}: inlined as it is */")
    return re.sub(r"sha256-[A-Za-z0-9+/=]+", "sha256-…", page)


def test_golden_page(monkeypatch, update_golden):
    monkeypatch.setattr(page_renderer, "_map_svg",
                        lambda resolved, options, shared=None: page_renderer._XML_PROLOGUE.sub("", FIXED_SVG).strip())
    page = without_assets(render(example()))
    golden = GOLDEN / "ecommerce-current.html"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(page, encoding="utf-8", newline="")
    assert golden.is_file(), "no golden file: run pytest --update-golden once and review the diff"
    assert page == golden.read_text(encoding="utf-8"), (
        "the HTML page changed; if that is intended, run pytest --update-golden and review the diff")


def test_same_map_same_bytes_with_the_real_svg():
    resolved = example()
    first = render(resolved)
    assert first == render(example())
    assert first.startswith("<!DOCTYPE html>")
    assert "<?xml" not in first


# --- the Content-Security-Policy ---------------------------------------------------------
def test_csp_allows_exactly_the_inline_blocks():
    page = render(example())
    found = blocks(page)
    assert len(found.csp) == 1
    assert page.index('http-equiv="Content-Security-Policy"') < page.index("<style")
    d = directives(found.csp[0])
    assert d["default-src"] == ["'none'"]
    assert d["img-src"] == ["data:"]
    assert d["base-uri"] == ["'none'"] and d["form-action"] == ["'none'"]
    assert "unsafe-inline" not in found.csp[0] and "unsafe-eval" not in found.csp[0]
    # every inline style (the page's and the SVG's) is allowed by its hash, and nothing else is
    assert sorted(set(d["style-src"])) == sorted({csp_hash(s) for s in found.styles})
    assert len(found.styles) >= 2  # the page's and the SVG map's
    executable = [text for attrs, text in found.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 1
    assert d["script-src"] == [csp_hash(executable[0])]


def _without_map(page: str) -> str:
    return re.sub(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', "", page, count=1, flags=re.DOTALL)


def test_no_external_resources_in_the_markup():
    page = render(example())
    found = blocks(page)
    for tag, attrs in found.elements:
        assert "src" not in attrs and "srcset" not in attrs, (tag, attrs)
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "form"), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "xlink:href") and value:
                assert value.startswith(("#", "https://", "http://", "mailto:")), value
    for style in found.styles:
        assert "@import" not in style
        # the only url() is the map's embedded font subset, a data: URL
        assert re.findall(r"url\((?!data:font/woff;base64,)", style) == []


def test_every_page_link_is_noopener_noreferrer():
    anchors = [a for tag, a in blocks(_without_map(render(example()))).elements
               if tag == "a" and not (a.get("href") or "#").startswith("#")]
    assert len(anchors) > 5
    assert all(a.get("rel") == "noopener noreferrer" for a in anchors), anchors


def test_json_data_is_safe_inside_a_script_element():
    nasty = {"a": "</script><script>alert(1)</script>", "b": "<!-- & -->", "c": "x\u2028y\u2029z"}
    text = page_renderer.json_for_script(nasty)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == nasty


def test_sha256_source_is_the_csp_hash_of_the_exact_text():
    assert page_renderer.sha256_source("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    assert page_renderer.sha256_source("a\nb") == csp_hash("a\nb")


def test_svg_style_text_is_hashed_as_the_browser_sees_it():
    svg = '<svg><style><![CDATA[.a > .b { fill: red }]]></style><style>.c &gt; .d {}</style></svg>'
    assert page_renderer._svg_style_texts(svg) == [".a > .b { fill: red }", ".c > .d {}"]


# --- content and options ------------------------------------------------------------
def test_page_shows_facts_personas_and_tables():
    resolved = example()
    page = render(resolved)
    m = resolved.map
    for text in (m.goal, "Current state (as-is)", m.industry, "B2C", m.owner, "2026-10-14", *m.tags):
        assert f">{_esc(text)}<" in page or _esc(text) in page, text
    for p in resolved.personas:
        assert _esc(p.name) in page and _esc(p.quote) in page and _esc(p.occupation) in page
    assert page.count('<table class="steps">') == sum(1 for s in m.stages if s.touchpoints)
    assert page.count('<th scope="col"') > 20
    for section in ("kpis", "pain-points", "opportunities", "actions", "channels", "personas", "map", "steps"):
        assert f'id="{section}"' in page
    # KPI status against target, with direction
    kpis = {k.id: k for k in m.kpis}
    assert page_renderer.kpi_status(kpis["cart-abandonment"]) == KpiStatus("off", "Off target (+14)")
    assert page_renderer.kpi_status(kpis["conversion-rate"]).state == "off"


def test_kpi_status_directions():
    from cjm.model.journey import Kpi

    assert page_renderer.kpi_status(Kpi(id="k", name="K", target=10, actual=12)).state == "ok"
    assert page_renderer.kpi_status(Kpi(id="k", name="K", target=10, actual=8, direction="lower-is-better")).state == "ok"
    assert page_renderer.kpi_status(Kpi(id="k", name="K", target=10, actual=12, direction="lower-is-better")) == \
        KpiStatus("off", "Off target (+2)")
    assert page_renderer.kpi_status(Kpi(id="k", name="K", target=10, actual=9.7)) == \
        KpiStatus("off", "Off target (\u22120.3)")
    assert page_renderer.kpi_status(Kpi(id="k", name="K", target=10)) == KpiStatus("none", "No data")


def test_theme_lanes_and_single_persona_options():
    resolved = example()
    assert '<html lang="en" data-theme="dark">' in render(resolved, theme="dark")
    assert '<html lang="en">' in render(resolved, theme="light")
    page = render(resolved, lanes=("actions", "emotions"))
    assert re.findall(r'data-lane-toggle="([a-z_]+)"', page) == ["actions", "emotions"]
    assert 'data-lane="thoughts"' not in page
    one = render(resolved.only_persona("busy-professional"), persona="busy-professional")
    assert 'name="persona-filter"' not in one
    assert "This page shows the journey of Daniel Weber only." in one
    assert "Maya Okafor" not in one


def test_map_without_personas_or_extras():
    doc = JourneyMap.model_validate({"cjm": 1, "title": "Tiny", "stages": [
        {"id": "s", "name": "S", "touchpoints": [{"id": "t", "name": "T", "emotion": 1}]},
        {"id": "empty", "name": "Empty"}]})
    page = render(resolve(doc, "tiny.yaml"))
    assert 'id="personas"' not in page and 'name="persona-filter"' not in page
    assert 'id="kpis"' not in page and 'id="actions"' not in page
    assert "No steps in this stage." in page
    data = json.loads(re.search(r'<script type="application/json" id="cjm-data">(.*?)</script>', page).group(1))
    assert data["touchpoints"]["t"]["fields"][1] == {"label": "Emotion", "items": ["+1"]}


# --- links and template overrides -------------------------------------------------------
def test_disallowed_link_schemes_become_text():
    """The model refuses non-http(s)/mailto links; the renderer must not rely on it."""
    resolved = example()
    bad = Link.model_construct(url="javascript:alert(1)", title=None)
    resolved.personas[0].sources.append(bad)
    resolved.map.stages[0].touchpoints[0].evidence.append(Link.model_construct(url="JaVaScRiPt:alert(2)", title="x"))
    page = render(resolved)
    assert "javascript:alert(1)" in page  # shown, as text
    assert not re.search(r'href="\s*javascript', page, re.IGNORECASE)
    data = re.search(r'id="cjm-data">(.*?)</script>', page).group(1)
    evidence = json.loads(data)["touchpoints"][resolved.map.stages[0].touchpoints[0].id]["fields"][-1]
    assert evidence["links"][-1] == {"href": None, "text": "x"}


# Each documented example of an override (templates/<name>/) and a string that
# only its override puts in the page.
OVERRIDE_EXAMPLES = {
    "brand-colours": "--accent: #b8336a;",
    "confidential-banner": "Confidential: for internal use only",
}


def test_every_html_override_example_is_tested():
    found = sorted(p.name for p in (ROOT / "templates").iterdir() if (p / "html").is_dir())
    assert found == sorted(OVERRIDE_EXAMPLES)


@pytest.mark.parametrize("name", sorted(OVERRIDE_EXAMPLES))
def test_documented_override_examples_work(name, cjm, tmp_path):
    folder = ROOT / "templates" / name
    proc = cjm("render", str(EXAMPLE), "-f", "html", "-o", str(tmp_path), "--template-dir", str(folder))
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "ecommerce-current.html").read_text(encoding="utf-8")
    assert OVERRIDE_EXAMPLES[name] in page
    assert OVERRIDE_EXAMPLES[name] not in render(example())
    found = blocks(page)
    d = directives(found.csp[0])
    assert sorted(set(d["style-src"])) == sorted({csp_hash(s) for s in found.styles})
    assert "Stride &amp; Co. online shoe shop (current state)" in page  # still autoescaped


def test_an_override_cannot_close_its_own_block(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "script.js").write_text("console.log('</script>')\n")
    with pytest.raises(RenderError):
        render(example(), template_dir=tmp_path)


def _esc(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


# --- hostile text in every field ---------------------------------------------------------
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "{{ 7*7 }}",
    "a | b",
    "</script><script>alert(1)</script>",
    "first line\nsecond line",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
]


def hostile_map():
    """A valid map whose every free-text field holds a payload plus its own tag,
    so that each field can be found in the page; ``javascript:`` links are
    added after validation (the model would refuse them)."""
    counter = iter(range(10_000))

    long_fields = ("description", "quote", "goals", "challenges", "pain_points", "motivations", "interests",
                   "action", "thought", "goal", "question", "frontstage", "backstage", "support", "policy")

    def t(field: str) -> str:
        n = next(counter)
        payload = PAYLOADS[n % len(PAYLOADS)]
        if not field.endswith(long_fields):  # names and titles are one line in the format
            payload = payload.replace("\n", " ")
        return f"{payload} ~{field}{n}~"

    def link(field: str) -> dict:
        return {"url": "https://example.com/a?b=1&c='x'", "title": t(field)}

    persona = {k: t("persona-" + k) for k in ("name", "segment", "gender", "occupation", "location",
                                              "generation", "description", "quote")}
    persona.update({"id": "p1", "age": 30, "sources": [link("persona-source")]})
    persona.update({k: [t("persona-" + k)] for k in ("personality", "goals", "challenges", "pain_points",
                                                     "motivations", "interests")})
    second = {"id": "p2", "name": t("persona2-name")}

    def step(i: int) -> dict:
        return {
            "id": f"tp{i}", "name": t("tp-name"), "channel": "c1", "description": t("tp-description"),
            "action": t("tp-action"), "thoughts": [t("tp-thought"), t("tp-thought")],
            "emotion": {"p1": -1, "p2": 2}, "feeling": t("tp-feeling"), "expectation": "failed",
            "pain_points": [{"id": f"pp{i}", "title": t("pain-title"), "description": t("pain-description"),
                             "severity": "high", "evidence": [link("pain-evidence")]}],
            "opportunities": [{"id": f"op{i}", "title": t("opp-title"), "description": t("opp-description"),
                               "addresses": [f"pp{i}"]}],
            "kpis": ["k1"], "evidence": [link("tp-evidence")],
            "frontstage": t("frontstage"), "backstage": t("backstage"), "support": t("support"),
            "policy": t("policy"),
        }

    data = {
        "cjm": 1, "title": t("title"), "goal": t("goal"), "type": "service-blueprint",
        "description": t("description"), "industry": t("industry"), "market": "b2b", "owner": t("owner"),
        "tags": [t("tag")], "improves": t("improves"),
        "scale": {"min": -2, "max": 2, "low_label": t("low-label"), "high_label": t("high-label")},
        "personas": [persona, second],
        "channels": [{"id": "c1", "name": t("channel-name"), "mode": "online", "description": t("channel-desc")}],
        "kpis": [{"id": "k1", "name": t("kpi-name"), "unit": "%", "target": 3, "actual": 2,
                  "source": t("kpi-source"), "description": t("kpi-description")}],
        "stages": [{"id": "s1", "name": t("stage-name"), "description": t("stage-description"),
                    "goal": t("stage-goal"), "questions": [t("stage-question")], "kpis": ["k1"],
                    "touchpoints": [step(1), step(2)]},
                   {"id": "s2", "name": t("stage2-name"), "touchpoints": [step(3)]}],
        "actions": [{"id": "a1", "title": t("action-title"), "description": t("action-description"),
                     "owner": t("action-owner"), "status": "planned", "addresses": ["pp1"], "kpis": ["k1"]}],
    }
    model = JourneyMap.model_validate(data)
    bad = [Link.model_construct(url="javascript:alert(1)", title=None),
           Link.model_construct(url=" javascript:alert(document.domain)", title="click me ~bad-link~")]
    model.personas[0].sources.extend(bad)
    model.stages[0].touchpoints[0].evidence.extend(bad)
    model.stages[0].touchpoints[0].pain_points[0].evidence.extend(bad)
    texts = _strings(data)
    return resolve(model, "hostile.yaml"), texts


def _strings(data) -> list[str]:
    """Every payload-bearing string in the map data."""
    out: list[str] = []
    if isinstance(data, dict):
        for v in data.values():
            out.extend(_strings(v))
    elif isinstance(data, list):
        for v in data:
            out.extend(_strings(v))
    elif isinstance(data, str) and "~" in data:
        out.append(data)
    return out


def test_hostile_text_stays_text_in_the_markup():
    resolved, texts = hostile_map()
    page = render(resolved)
    found = blocks(page)
    executable = [text for attrs, text in found.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 1 and "alert" not in executable[0]
    assert len([1 for attrs, _t in found.scripts if attrs.get("type") == "application/json"]) == 1
    for tag, attrs in found.elements:
        assert tag not in ("img", "iframe", "object", "embed"), (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not re.match(r"\s*javascript:", attrs.get("href") or "", re.IGNORECASE), attrs
    assert "{{" in page and "49 ~" not in page
    data = json.loads(re.search(r'id="cjm-data">(.*?)</script>', page, re.DOTALL).group(1))
    assert len(texts) > 60
    flat = json.dumps(data, ensure_ascii=False)
    assert "~tp-action" in flat and "~pain-description" in flat


# --- in a real browser ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def example_page(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "ecommerce-current.html"
    path.write_text(render(example()), encoding="utf-8")
    return path


def assert_clean(p) -> None:
    assert p.errors == [], p.errors
    assert p.console_errors() == [], p.console_errors()
    assert p.foreign_requests() == [], p.foreign_requests()
    assert p.csp_violations() == [], p.csp_violations()
    assert p.dialogs == [], p.dialogs


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_loads_clean(chromium, example_page, scheme, tmp_path):
    with open_page(chromium, example_page, color_scheme=scheme) as p:
        assert p.requests == [p.url]
        assert p.page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
        assert p.page.title() == "Stride & Co. online shoe shop (current state)"
        bg = p.page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (bg == "rgb(15, 18, 23)") == (scheme == "dark"), bg
        assert p.page.locator(".map-frame svg").first.is_visible()
        p.screenshot(tmp_path / f"page-{scheme}.png")
        assert_clean(p)


@pytest.mark.browser
def test_csp_really_blocks_what_it_does_not_list(chromium, tmp_path):
    """A control: an unlisted inline script is refused (and reported) by the same CSP."""
    page = render(example()).replace("</body>", "<script>document.title = 'ran'</script></body>")
    path = tmp_path / "tampered.html"
    path.write_text(page, encoding="utf-8")
    with open_page(chromium, path) as p:
        assert p.page.title() != "ran"
        assert any("script-src" in v for v in p.csp_violations())


@pytest.mark.browser
def test_lane_toggles_hide_and_show_lanes(chromium, example_page):
    with open_page(chromium, example_page) as p:
        page = p.page
        lane_g = page.locator('svg g.cjm-lane[data-lane="thoughts"]')
        column = page.locator('th[data-lane="thoughts"]').first
        assert lane_g.is_visible() and column.is_visible()
        page.locator('input[data-lane-toggle="thoughts"]').click()
        assert not lane_g.is_visible() and not column.is_visible()
        assert page.locator('svg g.cjm-lane[data-lane="actions"]').is_visible()
        page.locator('input[data-lane-toggle="thoughts"]').click()
        assert lane_g.is_visible() and column.is_visible()
        assert_clean(p)


@pytest.mark.browser
def test_persona_filter_shows_one_persona(chromium, example_page):
    with open_page(chromium, example_page) as p:
        page = p.page
        maya_curve = page.locator('svg .cjm-curve[data-persona="bargain-hunter"]')
        daniel_curve = page.locator('svg .cjm-curve[data-persona="busy-professional"]')
        maya_only_step = page.locator('tr[data-personas="bargain-hunter"]').first  # refer-a-friend
        daniel_card = page.locator('article[data-persona="busy-professional"]')
        assert maya_curve.is_visible() and daniel_curve.is_visible() and maya_only_step.is_visible()
        page.get_by_role("radio", name="Daniel Weber").check()
        assert not maya_curve.is_visible() and daniel_curve.is_visible()
        assert not maya_only_step.is_visible() and daniel_card.is_visible()
        assert not page.locator('article[data-persona="bargain-hunter"]').is_visible()
        page.get_by_role("radio", name="All personas").check()
        assert maya_curve.is_visible() and maya_only_step.is_visible()
        assert_clean(p)


@pytest.mark.browser
def test_touchpoint_details_panel(chromium, example_page):
    with open_page(chromium, example_page) as p:
        page = p.page
        panel = page.locator("#details")
        assert not panel.is_visible()
        page.locator('#steps button[data-touchpoint="checkout"]').click()
        assert panel.is_visible()
        text = panel.inner_text()
        assert "Checkout" in text and "Delivery cost appears only at step three of checkout" in text
        assert page.locator("#details a[href]").first.get_attribute("rel") == "noopener noreferrer"
        page.keyboard.press("Escape")
        assert not panel.is_visible()
        assert_clean(p)


@pytest.mark.browser
def test_touchpoint_details_from_the_map(chromium, example_page, tmp_path):
    steps = [tp.id for _s, tp in example().touchpoints()]
    with open_page(chromium, example_page) as p:
        page = p.page
        panel = page.locator("#details")
        # one keyboard button per step, its touchpoint card; the map is no longer role="img"
        buttons = page.locator('svg [data-touchpoint][role="button"]')
        assert buttons.count() == len(steps)
        assert [b.get_attribute("data-touchpoint") for b in buttons.all()] == steps
        assert page.locator('svg [role="button"]:not(.cjm-touchpoint)').count() == 0
        assert page.locator(".map-frame > svg").get_attribute("role") == "group"
        # a click on another part of the step (a pain point card) opens its details too
        page.locator('svg g.cjm-pain[data-touchpoint="checkout"]').first.click()
        assert panel.is_visible() and "Delivery cost appears only at step three of checkout" in panel.inner_text()
        assert page.locator('svg .is-selected[data-touchpoint="checkout"]').count() > 3
        assert page.locator('svg .is-selected:not([data-touchpoint="checkout"])').count() == 0
        p.screenshot(tmp_path / "map-selected.png")
        page.keyboard.press("Escape")
        assert not panel.is_visible() and page.locator("svg .is-selected").count() == 0
        # and from the keyboard: focus the card, Enter opens, Escape gives the focus back
        card = page.locator('svg g.cjm-touchpoint[data-touchpoint="cart"]')
        assert card.get_attribute("aria-label") == "Details of Cart"
        card.focus()
        page.keyboard.press("Enter")
        assert panel.is_visible() and page.locator("#details-title").inner_text() == "Cart"
        page.keyboard.press("Escape")
        assert not panel.is_visible()
        assert page.evaluate("document.activeElement.getAttribute('data-touchpoint')") == "cart"
        page.keyboard.press(" ")
        assert panel.is_visible()
        # an emotion point is a way in as well
        page.keyboard.press("Escape")
        page.locator('svg .cjm-curve circle[data-touchpoint="refer-a-friend"]').first.click()
        assert page.locator("#details-title").inner_text() == "Refer-a-friend and social sharing"
        assert_clean(p)
    # without the touchpoints lane, each step's first drawn part is its button
    path = tmp_path / "actions-only.html"
    path.write_text(render(example(), lanes=("actions", "emotions")), encoding="utf-8")
    with open_page(chromium, path) as p:
        buttons = p.page.locator('svg [role="button"]')
        assert [b.get_attribute("data-touchpoint") for b in buttons.all()] == steps
        p.page.locator('svg g.cjm-action[data-touchpoint="checkout"]').press("Enter")
        assert p.page.locator("#details-title").inner_text() == "Checkout"
        assert_clean(p)


@pytest.mark.browser
def test_a_link_in_the_map_is_not_a_details_button(chromium, example_page):
    with open_page(chromium, example_page) as p:
        page = p.page
        link = page.locator('svg [data-touchpoint] a[href]').first
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert link.get_attribute("tabindex") == "-1"  # inside a button: reached through the details panel
        link.evaluate("a => a.addEventListener('click', e => e.preventDefault())")
        link.click()
        assert not page.locator("#details").is_visible()
        assert_clean(p)


@pytest.mark.browser
def test_persona_filter_hides_other_personas_steps_in_the_map(chromium, example_page):
    with open_page(chromium, example_page) as p:
        page = p.page
        maya_only = page.locator('svg g.cjm-touchpoint[data-touchpoint="refer-a-friend"]')  # bargain-hunter only
        maya_only_parts = page.locator('svg [data-touchpoint="refer-a-friend"]:not(circle)')
        daniel_only = page.locator('svg g.cjm-touchpoint[data-touchpoint="store-try-on"]')  # busy-professional only
        shared = page.locator('svg g.cjm-touchpoint[data-touchpoint="checkout"]')
        assert maya_only.is_visible() and daniel_only.is_visible() and shared.is_visible()
        assert maya_only_parts.count() > 2
        page.get_by_role("radio", name="Daniel Weber").check()
        assert not maya_only.is_visible() and daniel_only.is_visible() and shared.is_visible()
        assert not any(loc.is_visible() for loc in maya_only_parts.all())
        assert page.locator('svg g.cjm-touchpoint[data-touchpoint="refer-a-friend"].is-filtered').count() == 1
        page.get_by_role("radio", name="Maya Okafor").check()
        assert maya_only.is_visible() and not daniel_only.is_visible() and shared.is_visible()
        page.get_by_role("radio", name="All personas").check()
        assert maya_only.is_visible() and daniel_only.is_visible()
        # hidden with a class, never an inline style (the CSP allows none)
        assert page.locator("svg [style]").count() == 0
        assert_clean(p)


@pytest.mark.browser
def test_theme_toggle_and_fit(chromium, example_page):
    with open_page(chromium, example_page) as p:
        page = p.page
        before = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.locator("#theme-toggle").click()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != before
        width = page.locator(".map-frame svg").bounding_box()["width"]
        page.locator("#map-fit").click()
        assert page.locator(".map-frame svg").bounding_box()["width"] < width
        assert_clean(p)


@pytest.mark.browser
def test_print_hides_the_controls(chromium, example_page):
    with open_page(chromium, example_page) as p:
        p.page.emulate_media(media="print")
        assert not p.page.locator(".controls").is_visible()
        assert not p.page.locator("#theme-toggle").is_visible()
        # the map prints as landscape pages, each with the header and the lane labels
        assert p.page.locator(".print-page").count() >= 2
        assert p.page.locator(".print-page").first.is_visible()
        assert p.page.evaluate("getComputedStyle(document.querySelector('tbody tr')).breakInside") == "avoid"


@pytest.mark.browser
def test_hostile_map_executes_nothing_and_shows_every_string(chromium, tmp_path):
    resolved, texts = hostile_map()
    path = tmp_path / "hostile.html"
    path.write_text(render(resolved), encoding="utf-8")
    with open_page(chromium, path) as p:
        page = p.page
        assert page.locator("script").count() == 2
        assert page.locator("img, iframe, object, embed").count() == 0
        assert page.evaluate("""() => [...document.querySelectorAll('*')].filter(
            e => [...e.attributes].some(a => a.name.startsWith('on'))).length""") == 0
        assert page.locator('a[href^="javascript" i], a[href*="javascript:" i]').count() == 0
        body = page.inner_text("body")
        missing = [t for t in texts if t not in body]
        assert missing == [], missing
        assert "{{ 7*7 }}" in body
        assert "~bad-link~" in body and "javascript:alert(1)" in body
        # the details panel, built from the JSON data
        page.locator('#steps button[data-touchpoint="tp1"]').click()
        panel = page.inner_text("#details")
        tp1 = resolved.map.stages[0].touchpoints[0]
        for t in (tp1.name, tp1.action, tp1.description, *tp1.thoughts, tp1.pain_points[0].title,
                  tp1.pain_points[0].description, tp1.frontstage, tp1.policy, tp1.evidence[0].title):
            assert t in panel, t
        assert "javascript:alert(1)" in panel and "~bad-link~" in panel
        assert page.locator('#details a[href^="javascript" i]').count() == 0
        assert page.locator("#details a[href]").count() == 2  # the two https links
        assert page.locator("#details a[href]").first.get_attribute("href") == "https://example.com/a?b=1&c='x'"
        page.wait_for_timeout(200)  # give any deferred handler a chance to fire
        assert p.dialogs == []
        assert_clean(p)


def test_lanes_used_by_the_page_are_the_models():
    assert set(page_renderer.COLUMN_LABELS) == set(LANES)


@pytest.mark.browser
def test_the_map_leads_follows_dark_mode_and_keeps_its_labels_in_view(chromium, tmp_path):
    from render_inputs import EXAMPLE_MAPS, render as render_path

    path = tmp_path / "b2b.html"
    path.write_text(render_path(next(p for p in EXAMPLE_MAPS if p.stem == "b2b-saas"), "html"), encoding="utf-8")
    with open_page(chromium, path, width=1400, height=900) as p:
        page = p.page
        # the map comes first, at the page's width
        box = page.locator(".map-frame").bounding_box()
        assert box["y"] < 450 and box["width"] > 1300
        # dark mode reaches the map itself
        light = page.evaluate("getComputedStyle(document.querySelector('.map-frame .cjm-bg')).fill")
        page.locator("#theme-toggle").click()
        dark = page.evaluate("getComputedStyle(document.querySelector('.map-frame .cjm-bg')).fill")
        assert light != dark and dark == "rgb(13, 17, 23)"
        # scrolled sideways and down, the lane labels and stage headers stay in view
        page.evaluate("const f = document.querySelector('.map-frame'); f.scrollLeft = 1500; f.scrollTop = 400;"
                      "f.dispatchEvent(new Event('scroll'));")
        page.wait_for_timeout(100)
        frame = page.locator(".map-frame").bounding_box()
        label = page.locator(".cjm-lane-labels .cjm-lane-label-cell").nth(1).bounding_box()
        assert frame["x"] <= label["x"] <= frame["x"] + 60
        head = page.locator(".cjm-stages .cjm-stage").nth(3).bounding_box()
        assert frame["y"] <= head["y"] <= frame["y"] + 60
        # a persona's filter closes the columns of the steps it hides
        page.evaluate("const f = document.querySelector('.map-frame'); f.scrollLeft = 0; f.scrollTop = 0;"
                      "f.dispatchEvent(new Event('scroll'));")
        before = page.evaluate("parseFloat(document.querySelector('.map-frame svg').getAttribute('width'))")
        page.get_by_role("radio", name="Wei Zhang").check()
        after = page.evaluate("parseFloat(document.querySelector('.map-frame svg').getAttribute('width'))")
        xs = page.evaluate("""() => Array.from(document.querySelectorAll('.map-frame .cjm-touchpoint'))
            .filter(g => !g.classList.contains('is-filtered')).map(g => g.getBoundingClientRect().x)
            .sort((a, b) => a - b)""")
        hidden = page.evaluate("document.querySelectorAll('.map-frame .cjm-touchpoint.is-filtered').length")
        assert hidden > 0 and after == pytest.approx(before - hidden * 212)
        gaps = [b - a for a, b in zip(xs, xs[1:])]
        assert max(gaps) < 212 * 1.5, gaps  # no empty columns between the steps left
        assert_clean(p)
