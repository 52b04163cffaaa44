"""The site stage: every map of a project as a static, relocatable site.

    project -> catalogues -> each map checked, resolved and summarised
            -> (changed maps only) its interactive HTML page drawn
            -> the portfolio's pages from the summaries -> written together

Incremental: the output folder holds a manifest (``.cjm-site.json``) with, per
map, the hashes of what went into it and its summary. A map whose file, the
catalogues, the config and cjm itself are unchanged is neither checked nor
drawn again; the portfolio pages (index, personas, backlog, search…) are
always rebuilt from the summaries, and written only when their bytes change.
The same inputs and the same date (``SOURCE_DATE_EPOCH``) give the same bytes.

``--check`` reads the site on disk and reports every broken link and missing
asset (page and link named), pages that are missing or changed since they were
built, and maps that changed since (the site is out of date).

Writes go through ``cjm.infra.files.OutputSet``: staged, then committed
together; never through a symbolic link cjm did not make.
"""

from __future__ import annotations

import datetime as _dt
import gc
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cjm.diagnostics import FileReport, Severity
from cjm.diagnostics.errors import UsageError
from cjm.pipeline.project import Project

MANIFEST = ".cjm-site.json"
MANIFEST_FORMAT = "cjm-site"
MANIFEST_VERSION = 1
PARALLEL_THRESHOLD = 48
MAX_METRICS_BYTES = 8 * 1024 * 1024


@dataclass
class SiteRequest:
    path: str | None = None  # a folder inside the project (its nearest cjm.yaml); None: the working folder
    out: str | None = None  # None: the project's site.out
    check: bool = False
    config: Path | None = None
    jobs: int = 0
    today: _dt.date | None = None  # None: SOURCE_DATE_EPOCH, else today
    on_progress: Callable[[int, int], None] | None = None


@dataclass
class SiteResult:
    out: Path
    pages: int = 0  # pages of the site
    written: list[str] = field(default_factory=list)  # files written (new or changed)
    removed: list[str] = field(default_factory=list)  # pages of maps that are gone
    drawn: list[str] = field(default_factory=list)  # maps whose page was drawn in this run
    checked: int = 0  # maps checked in this run (the rest came from the manifest)
    maps: int = 0  # maps on the site
    reports: list[FileReport] = field(default_factory=list)  # files with findings that keep a map off the site
    notes: list[str] = field(default_factory=list)  # skipped metrics snapshots and the like
    problems: list[str] = field(default_factory=list)  # --check: what is wrong, page and link named
    timings: dict[str, float] = field(default_factory=dict)  # phase -> seconds (shown by -v)

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(f.severity is Severity.ERROR for r in self.reports for f in r.findings)


# --- helpers ------------------------------------------------------------------------------------


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """cjm's version and the code and templates that draw pages: a change to any
    of them redraws every map."""
    import cjm

    base = Path(cjm.__file__).parent
    parts: list[bytes | str] = [cjm.__version__]
    for folder in ("render", "site", "templates"):
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".j2", ".css", ".js"):
                parts += [path.relative_to(base).as_posix(), path.read_bytes()]
    return _sha(*parts)


def build_date(request_today: _dt.date | None) -> _dt.date:
    from cjm.site.pages import today_from

    return request_today or today_from(os.environ.get("SOURCE_DATE_EPOCH"))


def _project(request: SiteRequest) -> Project:
    from cjm.pipeline.project import ProjectCache, default_project

    start = Path(request.path) if request.path else Path.cwd()
    if request.path and not start.exists():
        raise UsageError(f"no such folder: {request.path}")
    projects = ProjectCache(request.config)
    project = projects.for_path(start.resolve())
    if project.config_file is None:
        project = default_project(start.resolve() if start.is_dir() else start.resolve().parent)
    return project


def _out_dir(request: SiteRequest, project: Project) -> Path:
    from cjm.pipeline.render import _check_out_folder

    if request.out:
        out = Path(request.out)
    else:
        configured = project.config.site.out
        out = project.root / configured
        if project.config_file is not None and (Path(configured).is_absolute() or not _inside(out, project.root)):
            raise UsageError(f"site.out {configured!r} in {project.config_file.name} lies outside the project "
                             "folder; cjm writes the site only inside the project",
                             "use a folder inside the project, or pass -o on the command line")
    _check_out_folder(out)
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, as POSIX (the project lists its files below its root)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def _read_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    try:
        if path.is_symlink() or not path.is_file():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or data.get("version") != MANIFEST_VERSION:
        return {}
    return data


def read_metrics(folder: Path, root: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Metrics snapshots (``format: cjm-metrics``) in ``folder``: (snapshots, notes on skipped files)."""
    from cjm.pipeline.inputs import read_bytes

    if not folder.is_dir():
        return [], []
    snapshots, notes = [], []
    for path in sorted(folder.rglob("*.json")):
        shown = _rel(path, root)
        raw, why = read_bytes(path, MAX_METRICS_BYTES)
        if raw is None or len(raw) > MAX_METRICS_BYTES:
            notes.append(f"{shown}: skipped: {why or 'larger than 8 MiB'}")
            continue
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            notes.append(f"{shown}: skipped: not JSON ({exc})")
            continue
        if not isinstance(data, dict) or data.get("format") != "cjm-metrics" or data.get("version") != 1:
            notes.append(f"{shown}: skipped: not a metrics snapshot (format cjm-metrics, version 1)")
            continue
        span = (data.get("provenance") or {}).get("time_range") or {}
        metrics = data.get("metrics")
        if not isinstance(span, dict) or not isinstance(span.get("to"), str) or not isinstance(metrics, dict):
            notes.append(f"{shown}: skipped: no provenance.time_range.to or no metrics")
            continue
        values = {str(k): v for k, v in metrics.items()
                  if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v}
        snapshots.append({"file": shown, "from": span.get("from") if isinstance(span.get("from"), str) else None,
                          "to": span["to"], "metrics": values})
    return snapshots, notes


def _catalog_dump(index) -> dict[str, dict[str, dict[str, Any]]]:
    return {kind: {i: e.value.model_dump(mode="json", exclude_none=True) for i, e in sorted(entries.items())}
            for kind, entries in index.entries.items()}


# --- one map: check, resolve, summarise, draw ------------------------------------------------------

_WORK: dict[str, Any] = {}  # what every worker needs; set before forking, so that workers inherit it


def _one(item: tuple[str, str, bytes, bool, list[str]]) -> dict[str, Any]:
    """Check one map (as ``cjm validate`` does); summarise it, make its pieces of the
    portfolio pages and (``draw``) draw its page."""
    from cjm.loader import load_bytes
    from cjm.model.evidence import coverage, research_of
    from cjm.pipeline.check import check_document, improved_map
    from cjm.site.summary import summarize

    rel, shown, raw, draw, anchors = item
    settings = _WORK["settings"]
    checked = check_document(load_bytes(shown, raw), settings, kinds=("map",))
    out: dict[str, Any] = {"rel": rel, "report": checked.report, "summary": None, "html": None, "pieces": None}
    model = checked.model
    if model is None or any(f.severity is Severity.ERROR for f in checked.report.findings):
        return out
    from cjm.model.resolve import resolve

    index = settings.project
    resolved = resolve(model, shown, index)
    site_options = _WORK["site_options"]
    research = research_of(model, index)
    listed = {x for x in model.personas if isinstance(x, str)}  # catalogue personas, named by id
    catalogue_personas = [p for p in resolved.personas if p.id in listed]
    cov = coverage(model, research, today=settings.today, max_age_days=site_options.evidence_max_age,
                   catalog_personas=catalogue_personas)
    summary = summarize(resolved, rel, cov, index)
    if model.improves:
        current = improved_map(shown, model).model
        if current is not None:
            from cjm.authoring.diff import gap

            summary["gap"] = gap(current, model, model.improves, Path(rel).name)
    out["summary"] = summary
    if draw:
        # Drawn and written here, in parallel with the other maps: the page's
        # temporary file is staged (and fsynced) by this worker, and committed
        # with the rest of the site by the parent. The bar uses what the
        # files said before they were checked (``_prescan``); the parent
        # swaps it where the final portfolio disagrees.
        from cjm.infra.files import OutputSet
        from cjm.render import Shared, render
        from cjm.site import mappage
        from cjm.site.pages import asset

        page = render("html", resolved, _WORK["options"], Shared())
        anchors = sorted(mappage.anchors(page))
        bar = _early_bar(rel, summary)
        content = mappage.inject(page, bar, asset("bar.css")).encode("utf-8")
        staged = OutputSet(root=_WORK["out"])
        staged.stage(_WORK["out"] / _WORK["pages"][rel], content)
        out.update(staged=staged.staged, bar=_sha(bar), output=_sha_bytes(content))
    out["anchors"] = list(anchors)
    out["pieces"] = _pieces(summary, rel, anchors)
    return out


def _early_bar(rel: str, summary: dict[str, Any]) -> str:
    """The bar of a map page drawn by a worker, from the map and the prescan of the others."""
    from cjm.site.mappage import bar
    from cjm.site.portfolio import MapInfo

    pages, prescan = _WORK["pages"], _WORK["prescan"]
    m = MapInfo(rel, pages[rel], summary)
    target = prescan.get(rel, {}).get("improves")
    current = (pages[target], prescan[target]["title"]) if target in pages and target != rel else None
    gap_page = "gaps/" + pages[rel][len("maps/"):] if current else None
    futures = [(pages[f], prescan[f]["title"], "gaps/" + pages[f][len("maps/"):])
               for f in sorted(prescan) if prescan[f].get("improves") == rel and f != rel]
    data = m.data
    return bar(_WORK["site_options"].title, m.page,
               personas=[(p["id"], p.get("name", p["id"])) for p in data.get("personas", [])],
               channels=[(c["id"], c.get("name", c["id"])) for c in data.get("channels", [])],
               kpis=[(k["id"], k.get("name", k["id"])) for k in data.get("kpis", [])],
               coverage=m.coverage.get("percent"), anchor=m.anchor, current=current, gap_page=gap_page,
               futures=futures)


_TOP_KEY = re.compile(r"^(title|improves):[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def _prescan(sources: dict[str, tuple[Path, bytes, str]],
             known: dict[str, dict[str, Any]]) -> dict[str, dict[str, str | None]]:
    """Each map's ``title:`` and ``improves:`` (as a project-relative path) before the
    maps are checked, for the bars that workers draw: from the summaries of unchanged
    maps (``known``), else read with a regular expression. Where that reads a value
    wrongly, the parent finds the bar differs and fixes it."""
    out: dict[str, dict[str, str | None]] = {}
    for rel, summary in known.items():
        improves = summary["map"].get("improves")
        out[rel] = {"title": summary["map"]["title"], "improves": None if not improves else
                    os.path.normpath(os.path.join(os.path.dirname(rel), improves)).replace(os.sep, "/")}
    for rel, (_path, raw, _digest) in sources.items():
        if rel in out:
            continue
        found: dict[str, str | None] = {"title": rel, "improves": None}
        text = raw.decode("utf-8", "replace")
        for key, value in _TOP_KEY.findall(text):
            if key in found and found.get(f"_{key}"):
                continue
            value = _scalar(value)
            found[f"_{key}"] = "seen"
            if key == "improves" and value:
                value = os.path.normpath(os.path.join(os.path.dirname(rel), value)).replace(os.sep, "/")
            found[key] = value
        out[rel] = {"title": found["title"], "improves": found["improves"]}
    return out


def _scalar(value: str) -> str:
    value = re.sub(r"\s+#.*$", "", value) if not value.startswith(("'", '"')) else value
    if value.startswith('"'):
        try:
            return json.loads(value)
        except ValueError:
            return value.strip('"')
    if value.startswith("'") and value.endswith("'") and len(value) > 1:
        return value[1:-1].replace("''", "'")
    return value


def _pieces(summary: dict[str, Any], rel: str, anchors: list[str]) -> dict[str, Any]:
    from cjm.site.fragments import of_map
    from cjm.site.portfolio import MapInfo

    return of_map(MapInfo(rel, _WORK["pages"][rel], summary), _WORK["site_options"], set(anchors))


def _run(work: list[tuple[str, str, bytes, bool, list[str]]], jobs: int, progress) -> list[dict[str, Any]]:
    if jobs > 1 and len(work) >= PARALLEL_THRESHOLD and sys.platform != "win32":
        import multiprocessing

        from cjm.pipeline.validate import _warm

        _warm()
        gc.freeze()  # the parent's objects stay put: forked workers do not copy them to collect them
        ctx = multiprocessing.get_context("fork")
        out = []
        with ctx.Pool(min(jobs, max(1, len(work) // 8)), initializer=gc.enable) as pool:
            for done, result in enumerate(pool.imap(_one, work, chunksize=4), 1):
                out.append(result)
                progress(done)
        return out
    out = []
    for done, item in enumerate(work, 1):
        out.append(_one(item))
        progress(done)
    return out


# --- the build ------------------------------------------------------------------------------------


def build_site(request: SiteRequest) -> SiteResult:
    if request.check:
        return check_site(request)
    # The build holds every map's summary and pieces (~30 KB each) in many
    # small, long-lived objects: the cyclic collector's passes over them cost
    # more than the build itself, and nothing here makes cycles that matter.
    collecting = gc.isenabled()
    gc.disable()
    _KEPT.clear()  # the last build's data, kept until now (see below)
    _cwd.cache_clear()  # the working folder of this build
    try:
        return _build(request)
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


# What a build read and made (a million small objects for 1,000 maps) is kept
# until the next build instead of being freed as the build returns: freeing it
# costs a tenth of a rebuild, and a command line process exits right after.
_KEPT: list[Any] = []


def _build(request: SiteRequest) -> SiteResult:
    from cjm.pipeline.validate import check_jobs, settings_for
    jobs = check_jobs(request.jobs)
    project = _project(request)
    out = _out_dir(request, project)
    today = build_date(request.today)
    result = SiteResult(out)
    clock = _Clock(result.timings)
    old = _read_manifest(out)
    old_maps: dict[str, dict[str, Any]] = old.get("maps", {}) if isinstance(old.get("maps"), dict) else {}
    cache, shard_keys = _read_cache(out)

    clock("read the manifest and the cache")
    settings, catalogues = settings_for(project, {}, today)
    clock("check the catalogues")
    # Findings that keep something off the site are reported; the rest is `cjm validate`'s to say.
    result.reports.extend(c.report for c in catalogues
                          if any(f.severity is Severity.ERROR for f in c.report.findings))
    config = project.config
    render_config = config.render
    template_dir = None
    if render_config.template_dir and project.config_file:
        template_dir = (project.root / render_config.template_dir).resolve()
        if not template_dir.is_dir():
            raise UsageError(f"template folder not found: {render_config.template_dir}")
    from cjm.render import RenderOptions

    options = RenderOptions(theme=render_config.theme, lanes=tuple(render_config.lanes) if render_config.lanes
                            else None, template_dir=template_dir)
    evidence_max_age = project.options.get("CJM318", {}).get("max_age_days", 365)
    review_max_age = project.options.get("CJM315", {}).get("max_age_days", 120)

    sources = _sources(project)
    clock("read the maps")
    base = _sha(fingerprint(), _catalog_hash(project), _config_hash(project), repr(options),
                _template_hash(template_dir))
    keys = {rel: (_sha(base, rel, digest, today.isoformat(), str(evidence_max_age)), _sha(base, rel, digest))
            for rel, (_path, _raw, digest) in sources.items()}

    from cjm.site import mappage
    from cjm.site.pages import bar as bar_of
    from cjm.site.pages import build
    from cjm.site.portfolio import Portfolio, SiteOptions, common_folder, slug_path

    common = common_folder(list(sources))
    pages_of = {rel: "maps/" + slug_path(rel, common) for rel in sources}
    site_options = SiteOptions(title=config.site.title or project.root.resolve().name, today=today,
                               weights=(config.site.weights.customer_value, config.site.weights.business_value,
                                        config.site.weights.effort),
                               review_max_age=review_max_age, evidence_max_age=evidence_max_age)

    def page_ok(rel: str) -> bool:
        # The page this build would draw is on disk as the last build wrote it: the
        # same inputs, and the file untouched since (its size and time; --check hashes it).
        entry = old_maps.get(rel, {})
        if entry.get("render") != keys[rel][1] or not entry.get("page"):
            return False
        stamp = cache.get(rel, {}).get("stamp")
        if stamp is not None and _stamp(out / entry["page"]) == stamp:
            return True
        return _digest_of(out / entry["page"]) == entry.get("output")

    work = []
    for rel, (path, raw, _digest) in sources.items():
        entry = old_maps.get(rel)
        kept = cache.get(rel, {})
        fresh = kept.get("check") == keys[rel][0] and isinstance(kept.get("summary"), dict)
        drawn = page_ok(rel)
        if not fresh or not drawn:
            work.append((rel, _shown(path), raw, not drawn, (entry or {}).get("anchors", [])))

    _WORK.update(settings=settings, options=options, site_options=site_options, pages=pages_of, out=out,
                 prescan=_prescan(sources, {rel: cache[rel]["summary"] for rel in sources
                                            if cache.get(rel, {}).get("check") == keys[rel][0]}))
    total = len(work)

    def progress(done: int) -> None:
        if request.on_progress:
            request.on_progress(done, total)

    clock("plan")
    done = {r["rel"]: r for r in _run(work, jobs, progress)}
    # A future-state map's gap view holds its current map: when that changed, so does the gap.
    follow = []
    for rel, (path, raw, _digest) in sources.items():
        if rel in done:
            continue
        summary = cache[rel]["summary"]
        improves = (summary.get("map") or {}).get("improves")
        if improves and os.path.normpath(os.path.join(os.path.dirname(rel), improves)).replace(os.sep, "/") in done:
            follow.append((rel, _shown(path), raw, False, old_maps[rel].get("anchors", [])))
    done.update({r["rel"]: r for r in _run(follow, jobs, lambda _n: None)})
    result.checked = len(done)

    summaries, failed, drawn, anchors, pieces = [], [], {}, {}, {}
    for rel in sources:
        piece_key = _sha(keys[rel][0], pages_of[rel])
        if rel in done:
            item = done[rel]
            if item["summary"] is None:
                item["report"].findings = [f for f in item["report"].findings if f.severity is Severity.ERROR]
                result.reports.append(item["report"])
                failed.append(rel)
                continue
            summaries.append(item["summary"])
            if "staged" in item:
                drawn[rel] = item
            anchors[rel] = set(item["anchors"])
            pieces[rel] = item["pieces"]
        else:
            kept = cache[rel]
            summaries.append(kept["summary"])
            anchors[rel] = set(old_maps[rel].get("anchors", []))
            if kept.get("pieces_key") == piece_key and isinstance(kept.get("pieces"), dict):
                pieces[rel] = kept["pieces"]

    clock("check, summarise and draw the changed maps")
    metrics, result.notes = read_metrics(project.root / config.site.metrics, project.root)
    portfolio = Portfolio.build(summaries, _catalog_dump(settings.project), site_options, metrics, failed)
    # Pages made from keyed inputs (gap views) last time, still on disk as written: their
    # size and time as the cache recorded them, else their bytes as the manifest did.
    stamps = {kept["gap"][0]: kept["gap"][1] for kept in cache.values() if kept.get("gap")}
    previous = {page: key for page, key in (old.get("keys") or {}).items()
                if (old.get("pages") or {}).get(page)
                and (stamps.get(page) is not None and _stamp(out / page) == stamps[page]
                     or _digest_of(out / page) == old["pages"][page])}
    clock("read the metrics and join the portfolio")
    pages = build(portfolio, anchors, pieces, previous)
    clock("make the portfolio pages")

    from cjm.infra.files import OutputSet

    files: dict[str, bytes] = {path: text.encode("utf-8") for path, text in pages.pages.items()}
    staged = OutputSet(root=out)  # the pages the workers drew and staged
    for item in drawn.values():
        staged.staged.extend(item["staged"])
    manifest_maps: dict[str, dict[str, Any]] = {}
    new_cache: dict[str, dict[str, Any]] = {}
    try:
        for m in portfolio.maps:
            entry = old_maps.get(m.source, {})
            # What the bar shows: the map (its check key), where its page is, and its pair.
            related = [m.improves or "", m.improves and portfolio.by_source[m.improves].title or ""]
            for future in m.improved_by:
                related += [future, portfolio.by_source[future].title]
            bar_input = _sha(keys[m.source][0], m.page, site_options.title, *related)
            if m.source in drawn or entry.get("bar_input") != bar_input or entry.get("page") != m.page:
                bar = bar_of(portfolio, m)
                bar_key = _sha(bar)
            else:
                bar, bar_key = None, entry.get("bar")
            digest = None
            if m.source in drawn:
                result.drawn.append(m.source)
                item = drawn[m.source]
                digest = item["output"]
                if item["bar"] != bar_key:  # the prescan guessed the bar wrong: swap it
                    page = _staged_text(staged, out / m.page)
                    content = mappage.swap_bar(page, bar).encode("utf-8")
                    files[m.page], digest = content, _sha_bytes(content)
            elif entry.get("bar") != bar_key or entry.get("page") != m.page:
                swapped = mappage.swap_bar((out / entry["page"]).read_text(encoding="utf-8"), bar)
                if swapped is None:  # not a page this build made: draw it
                    item = _run([(m.source, _shown(sources[m.source][0]), sources[m.source][1], True, [])], 1,
                                lambda _n: None)[0]
                    staged.staged.extend(item["staged"])
                    swapped = mappage.swap_bar(_staged_text(staged, out / m.page), bar)
                    result.drawn.append(m.source)
                files[m.page] = swapped.encode("utf-8")
                digest = _sha_bytes(files[m.page])
            else:
                digest = entry["output"]  # the page on disk is this page
            manifest_maps[m.source] = {
                "bytes": sources[m.source][2], "check": keys[m.source][0], "render": keys[m.source][1],
                "page": m.page, "bar": bar_key, "bar_input": bar_input, "output": digest,
                "anchors": sorted(anchors.get(m.source, ())),
            }
            new_cache[m.source] = {"check": keys[m.source][0], "summary": m.summary,
                                   "pieces_key": _sha(keys[m.source][0], pages_of[m.source]),
                                   "pieces": pages.pieces[m.source]}
    except BaseException:
        staged.discard()
        raise
    page_digests = {path: _sha_bytes(data) for path, data in files.items()}
    for m in portfolio.maps:
        page_digests[m.page] = manifest_maps[m.source]["output"]
    for page in pages.kept:
        page_digests[page] = old["pages"][page]
    manifest = {
        "format": MANIFEST_FORMAT, "version": MANIFEST_VERSION,
        "sources": {"fingerprint": fingerprint(), "catalogs": _catalog_hash(project), "config": _config_hash(project)},
        "maps": dict(sorted(manifest_maps.items())),
        "failed": {rel: sources[rel][2] for rel in sorted(failed)},
        "pages": dict(sorted(page_digests.items())),
        "keys": dict(sorted(pages.keys.items())),
    }
    stale = sorted(set(old.get("pages", {})) - set(page_digests)) if isinstance(old.get("pages"), dict) else []
    _KEPT.extend([cache, new_cache, portfolio, pages, files, summaries, pieces])
    clock("bars and the manifest")
    _write(out, files, manifest, stale, result, staged)
    clock("write")
    for rel, entry in new_cache.items():  # the pages as written: the next build trusts their size and time
        entry["stamp"] = _stamp(out / manifest_maps[rel]["page"])
        gap_page = portfolio.by_source[rel].gap_page
        if gap_page and gap_page in pages.keys:
            entry["gap"] = [gap_page, _stamp(out / gap_page)]
    _write_cache(out, new_cache, shard_keys)
    clock("write the cache")
    result.pages = len(page_digests)
    result.maps = len(portfolio.maps)
    return result


# --- the cache of summaries and pieces -------------------------------------------------------------
# What a rebuild needs of every unchanged map (its summary and its pieces of the
# portfolio pages) is kept in cjm's cache folder, not in the site: it is large
# (~30 KB a map) and nobody should publish it. Without it a rebuild checks every
# map again, but still draws only the changed ones (the manifest in the site
# knows which pages are current). marshal: the fastest to read for plain data.
CACHE_VERSION = 1
SHARDS = 16  # the cache is split so that a rebuild rewrites only the part that changed


def _cache_files(out: Path) -> list[Path] | None:
    from cjm.infra.cache import cache_dir

    folder = cache_dir("site")
    if folder is None:
        return None
    stem = _sha(str(out.resolve()))[:32]
    return [Path(folder) / f"{stem}.{i:02d}.marshal" for i in range(SHARDS)]


def _shard(rel: str) -> int:
    return int(hashlib.sha256(rel.encode("utf-8")).hexdigest()[:8], 16) % SHARDS


def _shard_key(entries: dict[str, dict[str, Any]]) -> str:
    return _sha(*(f"{rel}\0{e['check']}\0{e['pieces_key']}\0{e.get('stamp')}" for rel, e in sorted(entries.items())))


def _read_cache(out: Path) -> tuple[dict[str, dict[str, Any]], dict[int, str]]:
    """(map -> its cached summary and pieces, shard -> the key of what it holds)."""
    import marshal

    files = _cache_files(out)
    maps: dict[str, dict[str, Any]] = {}
    keys: dict[int, str] = {}
    for i, path in enumerate(files or []):
        try:
            data = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            continue
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or data.get("cjm") != fingerprint() \
                or not isinstance(data.get("maps"), dict):
            continue
        maps.update(data["maps"])
        keys[i] = data.get("key", "")
    return maps, keys


def _write_cache(out: Path, maps: dict[str, dict[str, Any]], old_keys: dict[int, str]) -> None:
    import marshal

    from cjm.infra.files import atomic_write

    files = _cache_files(out)
    if files is None:
        return
    shards: list[dict[str, dict[str, Any]]] = [{} for _ in range(SHARDS)]
    for rel, entry in maps.items():
        shards[_shard(rel)][rel] = entry
    try:
        files[0].parent.mkdir(parents=True, exist_ok=True)
        for i, entries in enumerate(shards):
            key = _shard_key(entries)
            if old_keys.get(i) == key:
                continue
            atomic_write(files[i], marshal.dumps({"version": CACHE_VERSION, "cjm": fingerprint(), "key": key,
                                                  "maps": entries}))
    except (OSError, ValueError):
        pass  # a cache that cannot be written only makes the next build slower


class _Clock:
    """Seconds spent in each phase of a build, for -v."""

    def __init__(self, into: dict[str, float]) -> None:
        import time

        self.into, self.time, self.last = into, time.perf_counter, time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = self.time()
        self.into[phase] = self.into.get(phase, 0.0) + now - self.last
        self.last = now


def _sha_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stamp(path: Path) -> list[int] | None:
    """A file's size and modification time (ns), or None when it is not a regular file."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns] if stat.S_ISREG(st.st_mode) else None


def _digest_of(path: Path) -> str | None:
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return None
        return _sha_bytes(path.read_bytes())
    except OSError:
        return None


def _shown(path: Path) -> str:
    """``path`` as the user sees it: relative to the working folder when inside it."""
    if path.is_absolute():
        try:
            return path.relative_to(_cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


@lru_cache(maxsize=1)
def _cwd() -> Path:
    return Path.cwd()


def _sources(project: Project) -> dict[str, tuple[Path, bytes, str]]:
    """Map file (relative to the project root) -> (path, bytes, sha256); unreadable files are checked
    (and reported) like any other."""
    from cjm.loader import MAX_FILE_BYTES
    from cjm.pipeline.inputs import read_bytes

    out = {}
    for path in project.map_files():
        raw, _why = read_bytes(path, MAX_FILE_BYTES)
        raw = raw if raw is not None else b""
        out[_rel(path, project.root)] = (path, raw, _sha_bytes(raw))
    return dict(sorted(out.items()))


def _catalog_hash(project: Project) -> str:
    parts: list[bytes | str] = []
    for path in project.catalog_files():
        try:
            parts += [_rel(path, project.root), path.read_bytes()]
        except OSError:
            parts += [_rel(path, project.root), b"(unreadable)"]
    return _sha(*parts)


def _config_hash(project: Project) -> str:
    if project.config_file is None:
        return _sha("")
    try:
        return _sha(project.config_file.read_bytes())
    except OSError:
        return _sha("(unreadable)")


def _template_hash(folder: Path | None) -> str:
    if folder is None:
        return _sha("")
    parts: list[bytes | str] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return _sha(*parts)


def _staged_text(staged, target: Path) -> str:
    """The text staged for ``target`` (its temporary file), or what the file holds now."""
    for item in staged.staged:
        if item.target == target:
            with open(item.temp, encoding="utf-8") as handle:
                return handle.read()
    return target.read_text(encoding="utf-8")


STAGERS = 4  # threads that write and fsync pages: the disk, not the CPU, is what they wait for


def _write(out: Path, files: dict[str, bytes], manifest: dict[str, Any], stale: list[str],
           result: SiteResult, staged) -> None:
    """Stage every changed file (in a few threads: each fsync waits on the disk), then
    replace them all; on any failure nothing is replaced. Pages of maps that are gone
    are removed last."""
    from concurrent.futures import ThreadPoolExecutor

    from cjm.infra.files import OutputRefused, OutputSet
    from cjm.pipeline.render import output_error

    sets = [OutputSet(root=out) for _ in range(STAGERS)]
    ordered = sorted(files)
    # A page a worker staged and the parent then changed (a swapped bar) is staged again here.
    replaced = {out / path for path in ordered}
    for item in [x for x in staged.staged if x.target in replaced]:
        staged.staged.remove(item)
        _unlink_quietly(item.temp)

    def stage(i: int) -> list[str]:
        done = []
        for path in ordered[i::STAGERS]:
            if sets[i].stage(out / path, files[path]):
                done.append(path)
        return done

    everything = [staged, *sets]
    try:
        with ThreadPoolExecutor(STAGERS) as pool:
            written = [p for chunk in pool.map(stage, range(STAGERS)) for p in chunk]
        result.written.extend(sorted(written + [x.target.relative_to(out).as_posix() for x in staged.staged]))
        sets[0].stage(out / MANIFEST, json.dumps(manifest, sort_keys=True, ensure_ascii=False,
                                                  separators=(",", ":")) + "\n")
        for each in everything:
            each.commit()
    except OutputRefused as exc:
        for each in everything:
            each.discard()
        raise UsageError(f"{exc}; nothing was written") from None
    except OSError as exc:
        for each in everything:
            each.discard()
        raise output_error(exc) from None
    except BaseException:
        for each in everything:
            each.discard()
        raise
    for path in stale:
        target = out / path
        if not _inside_strict(target, out):
            continue
        try:
            if stat.S_ISREG(os.lstat(target).st_mode):
                os.unlink(target)
                result.removed.append(path)
        except OSError:
            pass


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _inside_strict(target: Path, out: Path) -> bool:
    """``target`` is below ``out`` with no symbolic link on the way (nothing planted leads elsewhere)."""
    try:
        rel = target.relative_to(out)
    except ValueError:
        return False
    current = out
    for part in rel.parts[:-1]:
        current = current / part
        try:
            if not stat.S_ISDIR(os.lstat(current).st_mode):
                return False
        except OSError:
            return False
    return ".." not in rel.parts


# --- --check ------------------------------------------------------------------------------------------


def check_site(request: SiteRequest) -> SiteResult:
    """The site on disk: broken links, missing assets, missing or changed pages, and maps changed since."""
    from cjm.site.links import check

    project = _project(request)
    out = _out_dir(request, project)
    result = SiteResult(out)
    manifest = _read_manifest(out)
    if not manifest:
        result.problems.append(f"{_shown(out)}: no site built by cjm here (no {MANIFEST}); run `cjm site` first")
        return result
    files: dict[str, str | None] = {}
    for dirpath, dirnames, filenames in os.walk(out):
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(out).as_posix()
            if rel == MANIFEST or full.is_symlink():
                continue
            if name.endswith(".html"):
                try:
                    files[rel] = full.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    result.problems.append(f"{rel}: cannot be read ({exc})")
            else:
                files[rel] = None
    result.pages = sum(1 for text in files.values() if text is not None)
    for path, digest in sorted((manifest.get("pages") or {}).items()):
        if path not in files:
            result.problems.append(f"{path}: missing (the site lists it, the folder does not hold it)")
        elif files[path] is not None and _sha_bytes(files[path].encode("utf-8")) != digest:
            result.problems.append(f"{path}: changed since cjm built it")
    result.problems.extend(str(p) for p in check(files))
    # Out of date: maps added, removed or changed since the build.
    sources = _sources(project)
    built = {rel: e.get("bytes") for rel, e in (manifest.get("maps") or {}).items()}
    built.update(manifest.get("failed") or {})
    for rel in sorted(set(sources) | set(built)):
        if rel not in built:
            result.problems.append(f"{rel}: new since the site was built; run `cjm site`")
        elif rel not in sources:
            result.problems.append(f"{rel}: gone since the site was built; run `cjm site`")
        elif built[rel] != sources[rel][2]:
            result.problems.append(f"{rel}: changed since the site was built; run `cjm site`")
    recorded = manifest.get("sources") or {}
    if recorded.get("catalogs") != _catalog_hash(project):
        result.problems.append("the catalogues changed since the site was built; run `cjm site`")
    if recorded.get("config") != _config_hash(project):
        result.problems.append("the project config changed since the site was built; run `cjm site`")
    result.maps = len(manifest.get("maps") or {})
    return result
