"""A project's shared catalogues, checked and indexed once per run.

Each catalogue is checked like any file, against the catalogues indexed before
it, so the duplicate-id rule reports an id that two catalogue files define.
"""

from __future__ import annotations

from cjm.locations import Span
from cjm.model.catalog import ProjectIndex
from cjm.pipeline.check import CheckedFile, CheckSettings, check_document
from cjm.pipeline.project import Project


def build_project_index(project: Project, levels: dict[str, str], today=None) -> tuple[ProjectIndex, list[CheckedFile]]:
    """The id index of the project's catalogues, and their reports."""
    from cjm.diagnostics.codes import WRONG_KIND
    from cjm.pipeline.inputs import Source, display_path, read_document

    index = ProjectIndex()
    checked: list[CheckedFile] = []
    docs = [read_document(Source(display_path(path), path, project)) for path in project.catalog_files()]
    _index_research(docs, index)
    for doc in docs:
        settings = CheckSettings(index, levels, project.options, today)
        result = check_document(doc, settings)
        if result.model is not None and result.model.kind != "catalog":
            result.report.findings.insert(0, WRONG_KIND.finding(
                "this file is listed under `catalogs:` in the project config but is a map, not a catalogue",
                Span(doc.file, 1, 1), hint="add `kind: catalog`, or move it out of the catalogue globs"))
            result.model = None
        checked.append(result)
        if result.model is not None:
            index.add_catalog(result.model, doc.file)
    return index, checked


def _index_research(docs, index: ProjectIndex) -> None:
    """Research first, from every catalogue that passes the schema: unlike
    personas, channels and KPIs, research is cited from other catalogues
    (a persona's `based_on:`), which may come earlier in file order."""
    from cjm.model.catalog import CatalogEntry
    from cjm.pipeline.check import schema_check

    for doc in docs:
        model, _findings = schema_check(doc, ("catalog",))
        for i, item in enumerate(getattr(model, "research", None) or []):
            index.entries["research"].setdefault(item.id, CatalogEntry("research", item.id, item, doc.file,
                                                                       ("research", i)))
