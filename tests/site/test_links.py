"""Relative links and the link checker behind `cjm site --check`."""

from __future__ import annotations

from cjm.site.links import Problem, check, href, links_of, root_of


def test_links_go_up_to_the_root_and_down_again():
    assert href("index.html", "maps/a.html") == "maps/a.html"
    assert href("personas/sam.html", "maps/a.html#stage-buy") == "../maps/a.html#stage-buy"
    assert href("maps/team/a.html", "index.html") == "../../index.html"
    assert href("maps/a.html", "maps/a.html#x") == "#x"
    assert href("maps/a.html", "maps/a.html") == "a.html"
    assert href("backlog.html", "#item-3") == "#item-3"
    assert root_of("index.html") == "" and root_of("maps/team/a.html") == "../../"


def test_a_complete_site_has_no_problems():
    pages = {
        "index.html": '<a href="maps/a.html#buy">A</a> <a href="https://example.com/x">out</a> '
                      '<a href="mailto:cx@example.com">mail</a> <img src="data:image/png;base64,AAAA">',
        "maps/a.html": '<h2 id="buy">Buy</h2><a href="../index.html">home</a><a href="#buy">here</a>',
        "assets/logo.svg": None,
    }
    pages["index.html"] += '<img src="assets/logo.svg">'
    assert check(pages) == []


def test_every_kind_of_broken_link_is_named_with_its_page():
    pages = {
        "index.html": ('<a href="maps/missing.html">gone</a>'
                       '<a href="maps/a.html#nowhere">bad anchor</a>'
                       '<img src="img/missing.png">'
                       '<a href="/abs/path.html">absolute</a>'
                       '<a href="javascript:alert(1)">script</a>'
                       '<a href="../../etc/passwd">outside</a>'
                       '<a href="">empty</a>'),
        "maps/a.html": '<p id="buy">x</p>',
    }
    problems = check(pages)
    assert all(isinstance(p, Problem) and p.page == "index.html" for p in problems)
    why = {p.link: p.why for p in problems}
    assert why["maps/missing.html"] == "broken link (no such file)"
    assert why["maps/a.html#nowhere"].startswith("broken link (no element with id 'nowhere'")
    assert why["img/missing.png"] == "missing asset (no such file)"
    assert "absolute" in why["/abs/path.html"]
    assert "scheme" in why["javascript:alert(1)"]
    assert "outside the site" in why["../../etc/passwd"]
    assert "empty" in why[""]
    assert str(problems[0]).startswith("index.html: ")


def test_links_are_read_from_escaped_attributes():
    assert links_of('<a href="a.html?x=1&amp;y=2">x</a><use xlink:href=\'#icon\'/>') == [
        ("href", "a.html?x=1&y=2"), ("xlink:href", "#icon")]
    assert check({"a.html": '<a href="a.html?x=1&amp;y=2">x</a><svg><use xlink:href="#icon"/></svg>'
                            '<symbol id="icon"></symbol>'}) == []
