"""`cjm analyze` from the command line: a small event table with known
numbers, every output format, the snapshot, the KPI checked against it, and
the errors a user can cause."""

from __future__ import annotations

import csv
import json

import pytest

MAP = """\
cjm: 1
title: Shop
goal: Buy shoes
kpis:
  - id: conversion
    name: Conversion
    unit: "%"
    target: {target}
    metric: funnel.conversion
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: product
        name: Product page
        events: [view_item]
  - id: buy
    name: Buy
    kpis: [conversion]
    touchpoints:
      - id: cart
        name: Cart
        events: [add_to_cart]
      - id: checkout
        name: Checkout
        events: [{{name: page_view, where: {{page: "*checkout*"}}}}, purchase]
"""

# u1 buys, u2 stops at the cart, u3 only looks, u4 does something off the map.
EVENTS = [
    ("u1", "2026-11-02T10:00:00Z", "view_item", ""), ("u1", "2026-11-02T10:05:00Z", "add_to_cart", ""),
    ("u1", "2026-11-02T10:09:00Z", "page_view", "/checkout"), ("u2", "2026-11-03T09:00:00Z", "view_item", ""),
    ("u2", "2026-11-03T09:30:00Z", "add_to_cart", ""), ("u3", "2026-11-04T12:00:00Z", "view_item", ""),
    ("u3", "2026-11-04T12:01:00Z", "scroll", ""), ("u4", "2026-11-05T08:00:00Z", "newsletter_signup", ""),
]


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "shop.yaml").write_text(MAP.format(target=50))
    (tmp_path / "data").mkdir()
    with open(tmp_path / "data" / "events.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "session_id", "timestamp", "event", "page"])
        for user, ts, event, page in EVENTS:
            writer.writerow([user, f"{user}-s", ts, event, page])
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\nanalytics:\n  source: {path: data/events.csv}\n")
    return tmp_path


def test_the_funnel_as_json(shop, cjm):
    ran = cjm("analyze", "maps/shop.yaml", "-f", "json", cwd=shop)
    assert ran.returncode == 0, ran
    doc = json.loads(ran.stdout)
    assert [(s["id"], s["reached"]) for s in doc["steps"]] == [("browse", 3), ("buy", 2)]
    assert doc["funnel"] == {"entered": 3, "converted": 2, "conversion": pytest.approx(2 / 3)}
    assert doc["semantics"]["attempt"] == "first" and doc["semantics"]["window_seconds"] == 7 * 86400
    assert doc["touchpoints"] == {"product": 3, "cart": 2, "checkout": 1}
    assert doc["conformance"]["unmatched_events"] == 2
    assert {e["event"] for e in doc["conformance"]["top_unmatched"]} == {"scroll", "newsletter_signup"}


def test_text_markdown_and_csv_print_the_semantics_first(shop, cjm):
    text = cjm("analyze", "maps/shop.yaml", cwd=shop).stdout
    assert text.splitlines()[1].startswith("unit person; entry closed; order ordered; window 7 d")
    assert "Product page" in text and "66.7 %" in text and "newsletter_signup" in text
    md = cjm("analyze", "maps/shop.yaml", "-f", "markdown", cwd=shop).stdout
    assert md.startswith("## Journey analytics: Shop") and "| 2 | Buy | 2 | 66\\.7 % |" in md.replace("  ", " ")
    rows = list(csv.reader(cjm("analyze", "maps/shop.yaml", "-f", "csv", cwd=shop).stdout.splitlines()))
    assert rows[0][:3] == ["unit", "entry", "order"] and [r[10] for r in rows[1:]] == ["3", "2"]


def test_steps_and_semantics_from_the_command_line(shop, cjm):
    doc = json.loads(cjm("analyze", "maps/shop.yaml", "-f", "json", "--steps", "product,checkout", "--window", "1h",
                         cwd=shop).stdout)
    assert [(s["id"], s["reached"]) for s in doc["steps"]] == [("product", 3), ("checkout", 1)]
    assert doc["semantics"]["window_seconds"] == 3600


def test_the_snapshot_feeds_validate_and_render(shop, cjm):
    ran = cjm("analyze", "maps/shop.yaml", "-o", "metrics/shop.json", cwd=shop)
    assert ran.returncode == 0 and "wrote metrics/shop.json" in ran.stderr
    snapshot = json.loads((shop / "metrics" / "shop.json").read_text())
    assert snapshot["format"] == "cjm-metrics" and snapshot["metrics"]["funnel.conversion"] == pytest.approx(2 / 3)
    again = cjm("analyze", "maps/shop.yaml", "-o", "metrics/shop.json", cwd=shop)
    assert "unchanged: metrics/shop.json" in again.stderr  # same data, same bytes
    assert cjm("validate", cwd=shop).returncode == 0  # 66.67 % meets the target of 50 %
    (shop / "maps" / "shop.yaml").write_text(MAP.format(target=80))
    ran = cjm("validate", "--level", "kpi-target-missed=error", cwd=shop)
    assert ran.returncode == 1
    assert "CJM330 kpi-target-missed: KPI 'conversion' is 66.67% in metrics/shop.json, data to 2026-11-05" in ran.stdout
    svg = cjm("render", "maps/shop.yaml", "-f", "svg", "-o", "-", cwd=shop).stdout
    assert "66.67%" in svg and "metrics/shop.json, data to 2026-11-05" in svg


@pytest.mark.parametrize("config,words", [
    ("cjm: 1\nmaps: ['maps/*.yaml']\n", "no event data"),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nanalytics:\n  source: {path: data/nope/*.csv}\n", "match"),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nanalytics:\n  source: {path: data/events.csv, columns: {actor: who}}\n",
     "who"),
])
def test_what_a_user_can_get_wrong_is_exit_2_with_words(shop, cjm, config, words):
    (shop / "cjm.yaml").write_text(config)
    ran = cjm("analyze", "maps/shop.yaml", cwd=shop)
    assert ran.returncode == 2, ran
    assert words in ran.stderr and ran.stdout == ""


def test_a_map_with_errors_is_not_measured(shop, cjm):
    (shop / "maps" / "shop.yaml").write_text(MAP.format(target=50).replace("events: [view_item]", "events: view"))
    ran = cjm("analyze", "maps/shop.yaml", cwd=shop)
    assert ran.returncode == 1 and "CJM203" in ran.stderr and "fix them before measuring" in ran.stderr


def test_a_map_without_events_says_what_to_add(shop, cjm):
    text = MAP.format(target=50)
    for line in ("        events: [view_item]\n", "        events: [add_to_cart]\n"):
        text = text.replace(line, "")
    text = text.replace('        events: [{name: page_view, where: {page: "*checkout*"}}, purchase]\n', "")
    (shop / "maps" / "shop.yaml").write_text(text)
    ran = cjm("analyze", "maps/shop.yaml", cwd=shop)
    assert ran.returncode == 2 and "events:" in ran.stderr


def test_an_unknown_engine_or_format(shop, cjm):
    assert cjm("analyze", "maps/shop.yaml", "--engine", "presto", cwd=shop).returncode == 2
    ran = cjm("analyze", "maps/shop.yaml", "-f", "xml", cwd=shop)
    assert ran.returncode == 2 and "choose from text, json, csv, markdown" in ran.stderr
