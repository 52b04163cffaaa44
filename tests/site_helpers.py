"""Shared by the site tests: a built site of examples/project and of a generated portfolio."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

from conftest import EXAMPLES, ROOT

TODAY = dt.date(2026, 12, 1)


def portfolio_module():
    """benchmarks/site.py, which writes generated portfolios."""
    spec = importlib.util.spec_from_file_location("cjm_bench_site", ROOT / "benchmarks" / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated_project(folder: Path, maps: int = 24) -> Path:
    return portfolio_module().generate_portfolio(folder, maps)


def example_project(folder: Path) -> Path:
    shutil.copytree(EXAMPLES / "project", folder)
    return folder


def build(project: Path, out: Path | None = None, **kwargs):
    """``cjm site`` on ``project`` in-process, as a stage (no CLI): the SiteResult."""
    import os

    from cjm.pipeline.site import SiteRequest, build_site

    old = os.getcwd()
    os.chdir(project)
    try:
        return build_site(SiteRequest(str(project), str(out) if out else None, today=TODAY, jobs=1, **kwargs))
    finally:
        os.chdir(old)


def summary_of(text: str, source: str = "maps/a.yaml", today=TODAY, catalog=None, current: str | None = None) -> dict:
    """The site summary of one map written as YAML (checked, resolved, summarised as `cjm site` does);
    ``current``: the YAML of the map it improves on, for its gap view."""
    from cjm.loader import parse_text
    from cjm.model.catalog import ProjectIndex
    from cjm.model.evidence import coverage, research_of
    from cjm.model.resolve import resolve
    from cjm.pipeline.check import CheckSettings, check_document
    from cjm.site.summary import summarize

    index = catalog or ProjectIndex()
    checked = check_document(parse_text(source, text), CheckSettings(index, today=today), kinds=("map",))
    assert checked.model is not None, checked.report.findings
    resolved = resolve(checked.model, source, index)
    listed = {p for p in checked.model.personas if isinstance(p, str)}
    cov = coverage(checked.model, research_of(checked.model, index), today=today,
                   catalog_personas=[p for p in resolved.personas if p.id in listed])
    summary = summarize(resolved, source, cov, index)
    if current is not None:
        from cjm.authoring.diff import gap

        now = check_document(parse_text("current.yaml", current), CheckSettings(index, today=today))
        summary["gap"] = gap(now.model, checked.model, checked.model.improves, source.rsplit("/", 1)[-1])
    return summary


SHOP = """\
cjm: 1
title: Shoe shop, current state
goal: Buy shoes
owner: Priya, Digital CX
reviewed: 2026-10-01
research:
  - {id: survey, title: Checkout survey, method: survey, date: 2026-10-15}
personas:
  - {id: sam, name: Sam, goals: [Cheap shoes], color: "#0072b2", based_on: [survey]}
  - {id: lee, name: Lee, goals: [Fast shoes]}
kpis:
  - {id: conversion, name: Conversion, unit: "%", target: 3.5, actual: 2.1, direction: higher-is-better,
     metric: funnel.conversion}
channels:
  - {id: web, name: Website, mode: online}
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: product
        name: Product page
        channel: web
        emotion: {sam: 1, lee: -1}
        thoughts: ["Is shipping free?"]
        based_on: [survey]
        kpis: [conversion]
        pain_points:
          - {id: hidden-shipping, title: Shipping cost hidden, severity: high, based_on: [survey]}
        opportunities:
          - {id: show-shipping, title: Show shipping on the product page, addresses: [hidden-shipping],
             effort: 1}
  - id: buy
    name: Buy
    touchpoints:
      - id: checkout
        name: Checkout
        channel: web
        emotion: -2
        personas: [sam]
        pain_points:
          - {id: long-form, title: Five-step checkout, severity: critical}
actions:
  - {id: one-page, title: One-page checkout, status: planned, addresses: [long-form], kpis: [conversion],
     owner: Checkout squad}
"""

SHOP_FUTURE = """\
cjm: 1
title: Shoe shop, future state
type: future-state
improves: shop.yaml
personas:
  - {id: sam, name: Sam, goals: [Cheap shoes]}
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: checkout
        name: Checkout
        emotion: 1
actions:
  - {id: one-page, title: One-page checkout, status: in-progress, addresses: [long-form], effort: 4,
     customer_value: 5, business_value: 4}
"""
