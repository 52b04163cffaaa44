"""The bundled examples: they validate clean with cjm and with an independent
JSON Schema validator, they show what each is meant to show, and the committed
schemas are what ``cjm schema`` prints today."""

from __future__ import annotations

import datetime as _dt
import json
import re
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from conftest import EXAMPLES, ROOT, SCHEMAS, run_in_process

CONFIG_NAMES = ("cjm.yaml", "cjm.yml")
EXAMPLE_FILES = sorted(p for p in EXAMPLES.rglob("*.yaml") if p.name not in CONFIG_NAMES)
CONFIG_FILES = sorted(p for p in EXAMPLES.rglob("*.yaml") if p.name in CONFIG_NAMES)
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STALE_AFTER_DAYS = 120  # the stale-review rule (CJM315)

# What `cjm validate -f json` must call each file.
EXPECTED_KINDS = {
    "ecommerce-current.yaml": "map",
    "ecommerce-future.yaml": "map",
    "b2b-saas.yaml": "map",
    "service-blueprint.yaml": "map",
    "project/maps/booking.yaml": "map",
    "project/maps/post-trip-support.yaml": "map",
    "project/shared/personas.yaml": "catalog",
}


def rel(path: Path) -> str:
    return path.relative_to(EXAMPLES).as_posix()


def plain(value):
    """YAML dates become ISO strings, as they would in JSON."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def load(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def touchpoints(doc):
    for stage in doc["stages"]:
        for tp in stage["touchpoints"]:
            yield stage, tp


def map_personas(doc) -> list[str]:
    return [p if isinstance(p, str) else p["id"] for p in doc.get("personas", [])]


@pytest.fixture(scope="module")
def docs() -> dict[str, object]:
    return {rel(p): load(p) for p in EXAMPLE_FILES}


@pytest.fixture(scope="module")
def maps(docs) -> dict[str, dict]:
    return {name: d for name, d in docs.items() if d.get("kind", "map") == "map"}


@pytest.fixture(scope="module")
def validate_json() -> tuple[int, dict, str]:
    ran = run_in_process("validate", "--strict", "-f", "json", "examples/", cwd=ROOT)
    return ran.returncode, json.loads(ran.stdout), ran.stderr


# --- cjm itself --------------------------------------------------------------


def test_the_file_list_is_what_the_tests_expect():
    assert {rel(p) for p in EXAMPLE_FILES} == set(EXPECTED_KINDS)
    assert [rel(p) for p in CONFIG_FILES] == ["project/cjm.yaml"]


def test_cjm_validate_examples_is_clean(validate_json, docs):
    code, report, stderr = validate_json
    assert "Traceback" not in stderr
    # The stale-review rule depends on today's date; the only findings allowed
    # are the ones it must give for maps reviewed more than 120 days ago.
    today = _dt.date.today()
    stale = sorted(f"examples/{name}" for name, d in docs.items()
                   if isinstance(d.get("reviewed"), _dt.date) and (today - d["reviewed"]).days > STALE_AFTER_DAYS)
    found = report["findings"]
    assert [f for f in found if f["code"] != "CJM315"] == [], found
    assert sorted(f["file"] for f in found) == stale
    assert code == 0, (report, stderr)
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0
    assert report["summary"]["failed"] is False


def test_cjm_validate_text_output_says_all_good(cjm):
    proc = cjm("validate", "--strict", "--level", "stale-review=off", "examples/", cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not re.search(r"CJM\d{3}", proc.stdout + proc.stderr), proc.stdout


def test_examples_are_in_the_canonical_layout(cjm):
    """Users copy the examples: they should look like what `cjm fmt` writes."""
    proc = cjm("fmt", "--check", "examples/", cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_validate_reports_the_right_kind_for_each_file(validate_json):
    _code, report, _stderr = validate_json
    kinds = {f["file"]: f["kind"] for f in report["files"]}
    assert kinds == {f"examples/{name}": kind for name, kind in EXPECTED_KINDS.items()}
    assert report["summary"]["files"] == len(EXPECTED_KINDS)


def test_the_project_validates_from_its_own_folder(cjm):
    proc = cjm("validate", "--strict", "--level", "stale-review=off", "-f", "json", cwd=EXAMPLES / "project")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["findings"] == []
    assert {f["file"]: f["kind"] for f in report["files"]} == {
        "maps/booking.yaml": "map", "maps/post-trip-support.yaml": "map", "shared/personas.yaml": "catalog"}


def test_project_references_are_really_checked(cjm, tmp_path):
    """A control: the project's maps validate clean because their ids resolve
    against the catalogue, not because nothing is checked."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES / "project", project)
    booking = project / "maps" / "booking.yaml"
    text = booking.read_text(encoding="utf-8")
    assert "personas: [family-planner, business-traveller]" in text
    booking.write_text(text.replace("personas: [family-planner, business-traveller]",
                                    "personas: [family-planer, business-traveller]", 1), encoding="utf-8")
    proc = cjm("validate", "-f", "json", cwd=project)
    assert proc.returncode == 1
    codes = {(f["file"], f["code"]) for f in json.loads(proc.stdout)["findings"]}
    assert ("maps/booking.yaml", "CJM302") in codes


# --- an independent validator ------------------------------------------------


@pytest.fixture(scope="module")
def map_validator() -> Draft202012Validator:
    schema = json.loads((SCHEMAS / "cjm.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def config_validator() -> Draft202012Validator:
    schema = json.loads((SCHEMAS / "cjm-config.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=rel)
def test_example_passes_the_json_schema(path, map_validator):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in map_validator.iter_errors(plain(load(path)))]
    assert errors == []


@pytest.mark.parametrize("path", CONFIG_FILES, ids=rel)
def test_project_config_passes_the_config_schema(path, config_validator):
    assert [e.message for e in config_validator.iter_errors(plain(load(path)))] == []


def test_json_schema_rejects_a_broken_copy(map_validator):
    """A control: the schema check above can fail."""
    doc = plain(load(EXAMPLES / "ecommerce-current.yaml"))
    doc["stages"][0]["touchpoints"][0]["chanel"] = "social"
    doc["stages"][1]["id"] = "Consideration Stage"
    # The root is "a map or a catalogue" (anyOf): the precise errors sit in the
    # context of the branch errors.
    paths: set[str] = set()
    pending = list(map_validator.iter_errors(doc))
    while pending:
        error = pending.pop()
        paths.add("/".join(map(str, error.absolute_path)))
        pending.extend(error.context or ())
    assert "stages/0/touchpoints/0" in paths
    assert "stages/1/id" in paths


# --- the committed schemas are not stale --------------------------------------


@pytest.mark.parametrize("which, file", [("map", "cjm.schema.json"), ("config", "cjm-config.schema.json")])
def test_committed_schema_is_current(cjm, which, file):
    ran = cjm("schema", which, cwd=ROOT)
    assert ran.returncode == 0, ran.stderr
    committed = (SCHEMAS / file).read_text(encoding="utf-8")
    assert ran.stdout == committed, \
        f"schemas/{file} is stale: regenerate it with `python -m cjm schema --write`"


# --- what the examples show ---------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_FILES + CONFIG_FILES, ids=rel)
def test_each_file_starts_with_a_comment_header_then_the_version(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ") and len(lines[0]) > 10
    first_key = next(line for line in lines if line.strip() and not line.startswith("#"))
    assert first_key == "cjm: 1"


def _ids(node, out):
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            out.append(node["id"])
        for key, value in node.items():
            if key in ("personas", "kpis", "next", "addresses") and isinstance(value, list):
                out.extend(v for v in value if isinstance(v, str))
            _ids(value, out)
    elif isinstance(node, list):
        for item in node:
            _ids(item, out)
    return out


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=rel)
def test_ids_are_lowercase_kebab(path):
    bad = [i for i in _ids(load(path), []) if not KEBAB.match(i)]
    assert bad == []


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=rel)
def test_links_are_https(path):
    urls = re.findall(r"url:\s*(\S+)", path.read_text(encoding="utf-8"))
    assert urls, "every example cites evidence"
    assert [u for u in urls if not u.startswith("https://")] == []


def test_every_map_is_complete(docs):
    catalog = docs["project/shared/personas.yaml"]
    shared_personas = {p["id"]: p for p in catalog["personas"]}
    for name, doc in docs.items():
        if doc.get("kind") == "catalog":
            continue
        where = name
        assert doc["goal"].strip(), where
        assert isinstance(doc["reviewed"], _dt.date) and (doc["reviewed"].year, doc["reviewed"].month) in (
            (2026, 10), (2026, 11)), where
        personas = map_personas(doc)
        assert personas, where
        for p in doc["personas"]:
            assert (p if isinstance(p, dict) else shared_personas[p])["goals"], (where, p)
        lo, hi = doc.get("scale", {}).get("min", -2), doc.get("scale", {}).get("max", 2)
        forks = 0
        for stage, tp in touchpoints(doc):
            at = f"{where}: {tp['id']}"
            assert tp.get("channel"), at
            assert tp.get("action") and tp.get("thoughts") and tp.get("feeling"), at
            assert tp.get("expectation") in ("exceeded", "met", "failed"), at
            on_step = tp.get("personas", personas)
            # One score per persona on the step, on the declared scale.
            assert isinstance(tp["emotion"], dict) and sorted(tp["emotion"]) == sorted(on_step), at
            assert all(lo <= v <= hi for v in tp["emotion"].values()), at
            forks += len(tp.get("next", [])) > 1
        assert forks >= 1, f"{where}: no journey fork (`next:` with two targets)"
        assert doc["actions"], where
        for action in doc["actions"]:
            assert action.get("owner") and action.get("status"), (where, action["id"])
    for kpi in [k for d in docs.values() for k in d.get("kpis", [])]:
        assert kpi.get("unit") and "target" in kpi and "actual" in kpi and kpi.get("source"), kpi["id"]


def test_ecommerce_current_has_the_classic_shape(docs):
    doc = docs["ecommerce-current.yaml"]
    assert doc["type"] == "current-state" and doc["market"] == "b2c"
    assert [s["id"] for s in doc["stages"]] == ["awareness", "consideration", "purchase", "retention", "advocacy"]
    assert len(doc["personas"]) == 2
    steps = {tp["id"]: tp for _s, tp in touchpoints(doc)}
    assert 12 <= len(steps) <= 18
    assert {"home-page", "product-page", "cart", "checkout"} <= set(steps)
    assert set(steps["cart"]["next"]) == {"checkout", "abandoned-cart-email"}
    # Checkout is where abandonment is highest: the worst pain point of the map.
    severities = {p["id"]: (tp["id"], p.get("severity")) for tp in steps.values() for p in tp.get("pain_points", [])}
    assert [tp for tp, sev in severities.values() if sev == "critical"] == ["checkout"]
    assert {c["id"] for c in doc["channels"]} == {"web", "mobile-app", "email", "social", "search", "store",
                                                   "support-chat"}
    assert {"conversion-rate", "cart-abandonment", "aov", "csat", "nps", "repeat-purchase-rate"} <= \
        {k["id"] for k in doc["kpis"]}


def _mean_emotion(doc) -> dict[str, float]:
    scores: dict[str, list[float]] = {}
    for _s, tp in touchpoints(doc):
        for pid, score in tp["emotion"].items():
            scores.setdefault(pid, []).append(score)
    return {pid: sum(v) / len(v) for pid, v in scores.items()}


def test_future_state_improves_on_the_current_state(docs):
    now, future = docs["ecommerce-current.yaml"], docs["ecommerce-future.yaml"]
    assert future["type"] == "future-state"
    assert (EXAMPLES / future["improves"]).resolve() == (EXAMPLES / "ecommerce-current.yaml").resolve()
    # Same stages and steps, so that the two can be compared step by step.
    assert [s["id"] for s in future["stages"]] == [s["id"] for s in now["stages"]]
    assert [tp["id"] for _s, tp in touchpoints(future)] == [tp["id"] for _s, tp in touchpoints(now)]
    pains = lambda d: [p for _s, tp in touchpoints(d) for p in tp.get("pain_points", [])]  # noqa: E731
    assert len(pains(future)) < len(pains(now)) / 2
    assert all(p["severity"] == "low" for p in pains(future))
    before, after = _mean_emotion(now), _mean_emotion(future)
    assert set(before) == set(after) and all(after[p] > before[p] for p in before)
    # Every step feels at least as good as before, for every persona.
    old = {tp["id"]: tp["emotion"] for _s, tp in touchpoints(now)}
    for _s, tp in touchpoints(future):
        assert all(score >= old[tp["id"]][pid] for pid, score in tp["emotion"].items()), tp["id"]
    # Actions carry over by id, and name the current map's pain points they remove.
    assert {a["id"] for a in future["actions"]} & {a["id"] for a in now["actions"]}
    removed = {p["id"] for p in pains(now)} - {p["id"] for p in pains(future)}
    linked = {pid for a in future["actions"] for pid in a.get("addresses", [])}
    assert len(removed & linked) >= 5


def test_future_actions_may_address_only_the_improved_maps_pain_points(cjm, tmp_path):
    """unknown-pain-point (CJM306) accepts, in a future map's actions, the pain
    points of the map it `improves:`; a misspelt one, or one without
    `improves:`, is still an error."""
    shutil.copy(EXAMPLES / "ecommerce-current.yaml", tmp_path)
    text = (EXAMPLES / "ecommerce-future.yaml").read_text(encoding="utf-8")
    needle = "addresses: [hidden-shipping-cost, surprise-shipping]"
    assert needle in text
    (tmp_path / "future-typo.yaml").write_text(
        text.replace(needle, "addresses: [hidden-shipping-cost, surprise-shiping]"), encoding="utf-8")
    (tmp_path / "future-alone.yaml").write_text(text.replace("improves: ecommerce-current.yaml\n", ""),
                                                encoding="utf-8")
    proc = cjm("validate", "--level", "stale-review=off", "-f", "json", ".", cwd=tmp_path)
    assert proc.returncode == 1
    found = {(f["file"], f["code"], f["message"].split("unknown pain point ")[-1])
             for f in json.loads(proc.stdout)["findings"]}
    assert ("future-typo.yaml", "CJM306", "'surprise-shiping'") in found
    assert ("future-alone.yaml", "CJM306", "'surprise-shipping'") in found
    assert not [f for f in found if f[0] == "ecommerce-current.yaml"]
    assert {f[1] for f in found} == {"CJM306"}


def test_b2b_map_has_a_buying_committee_on_a_1_to_5_scale(docs):
    doc = docs["b2b-saas.yaml"]
    assert doc["market"] == "b2b"
    assert doc["scale"]["min"] == 1 and doc["scale"]["max"] == 5
    assert doc["scale"]["low_label"] and doc["scale"]["high_label"]
    assert {p["id"] for p in doc["personas"]} == {"champion", "economic-buyer", "it-admin"}
    partial = [tp["id"] for _s, tp in touchpoints(doc) if len(tp.get("personas", [1, 2, 3])) < 3]
    assert len(partial) >= 5
    only_it = [tp for _s, tp in touchpoints(doc) if tp.get("personas") == ["it-admin"]]
    assert only_it


def test_service_blueprint_fills_every_lane(docs):
    doc = docs["service-blueprint.yaml"]
    assert doc["type"] == "service-blueprint"
    steps = [tp for _s, tp in touchpoints(doc)]
    for tp in steps:
        assert tp.get("frontstage") and tp.get("backstage") and tp.get("support"), tp["id"]
    assert sum(1 for tp in steps if tp.get("policy")) >= len(steps) // 2


def test_project_maps_use_the_shared_catalogue_by_id(docs):
    config = load(EXAMPLES / "project" / "cjm.yaml")
    assert config["maps"] == ["maps/*.yaml"] and config["catalogs"] == ["shared/*.yaml"]
    assert config["rules"] and config["render"]["out"] == "build"
    catalog = docs["project/shared/personas.yaml"]
    assert catalog["kind"] == "catalog" and catalog["personas"] and catalog["channels"] and catalog["kpis"]
    shared = {key: {i["id"] for i in catalog[key]} for key in ("personas", "channels", "kpis")}
    for name in ("project/maps/booking.yaml", "project/maps/post-trip-support.yaml"):
        doc = docs[name]
        assert doc["personas"] and all(isinstance(p, str) and p in shared["personas"] for p in doc["personas"])
        assert not doc.get("channels"), "channels come from the catalogue"
        assert {tp["channel"] for _s, tp in touchpoints(doc)} <= shared["channels"]
        used_kpis = {k for s in doc["stages"] for k in s.get("kpis", [])}
        assert used_kpis & shared["kpis"]
