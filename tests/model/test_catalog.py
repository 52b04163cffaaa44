"""The project's shared catalogues indexed by id: what rules ask ("does this
persona exist?") and what resolve puts in place of an id."""

from __future__ import annotations

import pytest

from cjm.model.catalog import KEYS, KINDS, CatalogEntry, ProjectIndex
from cjm.model.journey import Catalog


def catalog(**lists) -> Catalog:
    return Catalog.model_validate({"cjm": 1, "kind": "catalog", **lists})


SHARED = catalog(
    personas=[{"id": "sam", "name": "Sam"}, {"id": "lee", "name": "Lee"}],
    channels=[{"id": "web", "name": "Website", "mode": "online"}],
    kpis=[{"id": "conversion", "name": "Conversion", "unit": "%", "target": 3}],
)


def test_kinds_and_their_keys():
    assert KINDS == ("persona", "channel", "kpi", "research")
    assert KEYS == {"persona": "personas", "channel": "channels", "kpi": "kpis", "research": "research"}


def test_an_empty_index_knows_nothing():
    index = ProjectIndex()
    assert {kind: index.ids(kind) for kind in KINDS} == {"persona": set(), "channel": set(), "kpi": set(),
                                                          "research": set()}
    assert index.get("persona", "sam") is None
    assert ProjectIndex().entries is not index.entries  # no shared default


def test_add_catalog_indexes_every_kind_with_where_it_was_defined():
    index = ProjectIndex()
    index.add_catalog(SHARED, "shared/people.yaml")
    assert index.ids("persona") == {"sam", "lee"}
    assert index.ids("channel") == {"web"} and index.ids("kpi") == {"conversion"}
    lee = index.get("persona", "lee")
    assert lee == CatalogEntry("persona", "lee", SHARED.personas[1], "shared/people.yaml", ("personas", 1))
    assert index.get("kpi", "conversion").value.unit == "%"
    assert index.get("channel", "web").path == ("channels", 0)


def test_the_first_definition_of_an_id_wins():
    """The duplicate-id rule reports the second one; the index keeps the first."""
    index = ProjectIndex()
    index.add_catalog(SHARED, "a.yaml")
    index.add_catalog(catalog(personas=[{"id": "new", "name": "New"}, {"id": "sam", "name": "Other Sam"}]), "b.yaml")
    sam = index.get("persona", "sam")
    assert (sam.file, sam.value.name, sam.path) == ("a.yaml", "Sam", ("personas", 0))
    assert index.get("persona", "new").file == "b.yaml"


def test_ids_returns_a_copy():
    index = ProjectIndex()
    index.add_catalog(SHARED, "a.yaml")
    index.ids("persona").add("intruder")
    assert "intruder" not in index.ids("persona")


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        ProjectIndex().get("stage", "x")
