"""Evidence coverage (cjm.model.evidence): what counts as supported, stale or unsupported."""

from __future__ import annotations

import datetime as dt

from cjm.loader import parse_text
from cjm.model.document import validate_document
from cjm.model.evidence import STALE, SUPPORTED, UNSUPPORTED, coverage, research_of, uses_research

MAP = """\
cjm: 1
title: Holiday booking
research:
  - id: interviews
    title: Twelve interviews
    method: interview
    date: 2026-09-30
  - id: old-survey
    title: A survey from long ago
    method: survey
    date: 2023-01-10
  - id: undated
    title: A dashboard, always current
    method: analytics
personas:
  - id: parent
    name: Sofia
    based_on: [interviews]
  - id: student
    name: Tom
stages:
  - id: book
    name: Book
    touchpoints:
      - id: search
        name: Search
        emotion: 1
        based_on: [old-survey]
      - id: payment
        name: Payment
        emotion: {parent: -2}
        based_on: [old-survey, interviews]
        pain_points:
          - id: fees
            title: Surprise fees
            evidence:
              - url: https://research.example/fees
          - id: slow
            title: Slow page
            based_on: [undated]
          - id: unknown
            title: Cites what nobody lists
            based_on: [nowhere]
      - id: confirmation
        name: Confirmation
"""


def model(text: str = MAP):
    doc = parse_text("m.yaml", text)
    m, findings = validate_document(doc.data, doc.index)
    assert not findings, findings
    return m


def test_each_claim_gets_its_status():
    m = model()
    cov = coverage(m, research_of(m), today=dt.date(2026, 11, 1), max_age_days=365)
    status = {(c.kind, c.id): c.status for c in cov.claims}
    assert status == {
        ("persona", "parent"): SUPPORTED,
        ("persona", "student"): UNSUPPORTED,
        ("emotion", "search"): STALE,  # only old research
        ("emotion", "payment"): SUPPORTED,  # one current study is enough
        ("pain_point", "fees"): SUPPORTED,  # a link counts
        ("pain_point", "slow"): SUPPORTED,  # undated research cannot go stale
        ("pain_point", "unknown"): UNSUPPORTED,  # an unknown id supports nothing
    }
    # A touchpoint without an emotion claims nothing.
    assert ("emotion", "confirmation") not in status
    assert (cov.total, cov.supported, cov.stale, cov.unsupported, cov.percent) == (7, 4, 1, 2, 57)
    assert cov.by_kind() == {"emotion": (1, 2), "pain_point": (2, 3), "persona": (1, 2)}
    assert cov.sentence() == ("4 of 7 claims supported (57 %): emotions 1/2, pain points 2/3, personas 1/2; "
                              "1 only by stale research")
    newest = {c.id: c.newest for c in cov.claims}
    assert newest["payment"] == dt.date(2026, 9, 30)


def test_age_is_a_setting():
    m = model()
    cov = coverage(m, research_of(m), today=dt.date(2026, 11, 1), max_age_days=10_000)
    assert cov.stale == 0


def test_catalogue_research_and_personas_count_for_the_map():
    from cjm.model.catalog import ProjectIndex

    catalog = model("""\
cjm: 1
kind: catalog
research:
  - {id: shared-study, title: Shared study, date: 2026-06-01}
personas:
  - {id: shared, name: Shared persona, based_on: [shared-study]}
""")
    project = ProjectIndex()
    project.add_catalog(catalog, "shared.yaml")
    m = model("""\
cjm: 1
title: Uses the catalogue
personas: [shared]
stages:
  - id: a
    name: A
    touchpoints:
      - {id: t, name: T, emotion: 1, based_on: [shared-study]}
""")
    assert uses_research(m, project)
    assert uses_research(m)  # it cites research, even if this project lists none
    plain = model("cjm: 1\ntitle: P\nstages:\n  - id: a\n    name: A\n    touchpoints:\n      - {id: t, name: T}\n")
    assert uses_research(plain, project) and not uses_research(plain)
    cov = coverage(m, research_of(m, project), today=dt.date(2026, 11, 1),
                   catalog_personas=[catalog.personas[0]])
    assert [(c.kind, c.status, c.path) for c in cov.claims] == [
        ("persona", SUPPORTED, None), ("emotion", SUPPORTED, ("stages", 0, "touchpoints", 0, "emotion"))]


def test_a_map_without_claims_has_no_percentage():
    m = model("cjm: 1\ntitle: Empty\nstages:\n  - id: a\n    name: A\n    touchpoints:\n      - {id: t, name: T}\n")
    cov = coverage(m, {})
    assert cov.percent is None and "no claims" in cov.sentence()
    assert cov.to_dict()["total"] == 0
