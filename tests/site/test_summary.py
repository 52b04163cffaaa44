"""What the site keeps of one map."""

from __future__ import annotations

import json

from site_helpers import SHOP, summary_of


def test_a_summary_is_plain_json_with_the_resolved_map_and_its_coverage():
    s = summary_of(SHOP, "maps/shop.yaml")
    assert json.loads(json.dumps(s)) == s  # JSON-ready: the manifest and the cache hold it
    assert s["source"] == "maps/shop.yaml"
    assert s["map"]["title"] == "Shoe shop, current state"
    assert [p["id"] for p in s["map"]["personas"]] == ["sam", "lee"]
    assert s["colors"]["sam"] == "#0072b2"
    assert s["shared"] == {"persona": [], "channel": [], "kpi": []}
    cov = s["coverage"]
    assert (cov["total"], cov["supported"], cov["percent"]) == (6, 3, 50)
    assert ["pain_point", "hidden-shipping", "Shipping cost hidden", "supported", ["survey"], 0] in cov["claims"]


def test_catalogue_personas_are_marked_shared():
    from cjm.loader import parse_text
    from cjm.model.catalog import ProjectIndex
    from cjm.model.document import validate_document

    doc = parse_text("shared.yaml", "cjm: 1\nkind: catalog\npersonas:\n  - {id: sam, name: Sam the shopper}\n"
                                     "channels:\n  - {id: web, name: Website}\n")
    catalog, findings = validate_document(doc.data, doc.index)
    assert not findings
    index = ProjectIndex()
    index.add_catalog(catalog, "shared.yaml")
    s = summary_of("cjm: 1\ntitle: T\npersonas: [sam]\nstages:\n  - id: a\n    name: A\n    touchpoints:\n"
                   "      - {id: t, name: T, channel: web, emotion: 1}\n", catalog=index)
    assert s["shared"] == {"persona": ["sam"], "channel": ["web"], "kpi": []}
    assert s["map"]["personas"][0]["name"] == "Sam the shopper"
