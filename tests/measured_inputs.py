"""A small project measured for real, for the tests of the map drawn with its
metrics snapshot: a map of the journey that benchmarks/events.py walks, seeded
events with planted truth from that generator, and the snapshot that the real
analyze stage (DuckDB) writes for them. Built once per test module (a second
or two)."""

from __future__ import annotations

import json
from pathlib import Path

# The generator's journey (benchmarks/events.py TOUCHPOINTS and STEPS), plus a
# touchpoint with events nobody sends and one without events: reach is drawn
# only on touchpoints that name events.
MAP = """\
cjm: 1
kind: map
id: shop
title: Online shop
type: current-state
scale: {min: -2, max: 2}
kpis:
  - id: conversion
    name: Visit-to-order conversion
    unit: "%"
    target: 15
    metric: funnel.conversion
stages:
  - id: discover
    name: Discover
    touchpoints:
      - id: browse
        name: Browses the catalogue
        emotion: 1
        events: [view_item_list]
  - id: consider
    name: Consider
    touchpoints:
      - id: product
        name: Reads a product page
        emotion: 0
        events: [view_item]
      - id: help
        name: Asks for help
        emotion: -1
        events: [chat_started]
  - id: cart
    name: Cart
    touchpoints:
      - id: cart
        name: Fills the cart
        emotion: 0
        events: [add_to_cart]
  - id: checkout
    name: Checkout
    touchpoints:
      - id: checkout
        name: Checks out
        emotion: -2
        events: [begin_checkout]
  - id: purchase
    name: Purchase
    kpis: [conversion]
    touchpoints:
      - id: purchase
        name: Pays
        emotion: 1
        events: [purchase]
      - id: thanks
        name: Reads the thank-you page
        emotion: 2
"""

CONFIG = """\
cjm: 1
maps: [maps/*.yaml]
render:
  out: build
analytics:
  source: {path: data/events.parquet, shape: events}
  funnel: {steps: STEPS, window: 7d}
"""

STAGE_IDS = ["discover", "consider", "cart", "checkout", "purchase"]
TOUCHPOINT_IDS = ["browse", "product", "cart", "checkout", "purchase"]


def load_generator():
    import importlib.util
    import sys

    name = "cjm_benchmark_events"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "benchmarks" / "events.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def measured_project(root: Path, users: int = 300, steps: str = "stages", seed: int = 5) -> dict:
    """``steps``: "stages", or "touchpoints" (the generator's five). Write the project under ``root``, generate its events and analyze them
    (writing metrics/shop.json, the default snapshot path). Returns the
    generator's truth and the snapshot: {"truth", "snapshot", "map"}."""
    from cjm.pipeline.analyze import AnalyzeRequest, analyze

    (root / "maps").mkdir(parents=True, exist_ok=True)
    (root / "maps" / "shop.yaml").write_text(MAP, encoding="utf-8")
    listed = steps if steps == "stages" else "[" + ", ".join(TOUCHPOINT_IDS) + "]"
    (root / "cjm.yaml").write_text(CONFIG.replace("STEPS", listed), encoding="utf-8")
    truth = load_generator().generate(str(root / "data" / "events.parquet"), users, seed=seed, days=14)
    out = root / "metrics" / "shop.json"
    analyze(AnalyzeRequest(map=str(root / "maps" / "shop.yaml"), config=root / "cjm.yaml", output=out))
    return {"truth": truth, "snapshot": json.loads(out.read_text(encoding="utf-8")), "map": root / "maps" / "shop.yaml"}


def render_measured(root: Path, fmt: str, **request) -> str | bytes:
    """One format of the measured map, through the real render stage (snapshot found by the project)."""
    from cjm.pipeline.render import RenderRequest, render_maps

    result = render_maps(RenderRequest(inputs=[str(root / "maps" / "shop.yaml")], formats=[fmt],
                                       config=root / "cjm.yaml", out="-", **request))
    assert not result.failed, result.reports
    (output,) = result.outputs
    return output.content


def measured_model(root: Path):
    """The project's map as a validated model."""
    from ruamel.yaml import YAML

    from cjm.model.journey import JourneyMap

    return JourneyMap.model_validate(YAML(typ="safe").load((root / "maps" / "shop.yaml").read_text(encoding="utf-8")))


def measured_resolved(root: Path, model=None):
    """The map (or ``model``, a changed copy of it) resolved with the project's snapshot."""
    from cjm.model.resolve import resolve
    from cjm.pipeline.metrics import read_metrics

    return resolve(model if model is not None else measured_model(root), "maps/shop.yaml", None,
                   read_metrics(root / "metrics" / "shop.json"))
