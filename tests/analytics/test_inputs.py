"""Every input format and shape, from the seeded generator: the engines find the planted
truth exactly, agree with the reference on every output, and the planted rates come out
within tolerance on larger data. And cjm.analytics.inputs itself: naming the broken file
when an engine cannot read the data, and the digests of a snapshot's provenance."""

from __future__ import annotations

import json

import pytest

from cjm.analytics import EngineOptions, FunnelRequest, JourneyShape, Semantics, Source, run_funnel
from cjm.analytics.spec import plan

from .golden import comparable

USERS = 300
COMBOS = [
    ("events", "parquet", "e.parquet"),
    ("events", "csv", "e.csv"),
    ("events", "csv", "e.csv.gz"),
    ("events", "jsonl", "e.jsonl"),
    ("events", "parquet", "hive"),
    ("ga4", "parquet", "g.parquet"),
    ("ga4", "jsonl", "g.jsonl"),
    ("segment", "parquet", "s.parquet"),
    ("segment", "jsonl", "s.jsonl.gz"),
]
SEMANTICS = {
    "person": Semantics(breakdown="tier", personas=(("bargain", "sam"), ("premium", "lee"))),
    "session": Semantics(unit="session", attempt="best", window_seconds=3 * 86400),
}


@pytest.fixture(scope="module")
def data(tmp_path_factory, gen):
    root = tmp_path_factory.mktemp("inputs")
    files = {}
    for shape, fmt, name in COMBOS:
        path = root / name
        truth = gen.generate(str(path), USERS, shape, fmt, seed=3, days=10, hive=name == "hive")
        files[name] = (shape, path, truth)
    return files


@pytest.fixture(scope="module")
def expected(gen):
    from cjm.analytics.reference import compute
    from cjm.analytics.result import assemble

    journey = JourneyShape.build(gen.journey_stages())
    events = gen.reference_events(USERS, seed=3, days=10)
    out = {}
    for name, sem in SEMANTICS.items():
        p = plan(journey, "stages", sem)
        out[name] = comparable(assemble(p, compute(p, events), None, {}))
    return out


def analyze(gen, shape, path, semantics, engine="duckdb", glob=None):
    source = Source.resolve(glob or str(path), shape=shape)
    request = FunnelRequest(source, JourneyShape.build(gen.journey_stages()), semantics=semantics, engine=engine,
                            options=EngineOptions(threads=2) if engine == "duckdb" else EngineOptions())
    return run_funnel(request).to_dict()


@pytest.mark.parametrize("name", [c[2] for c in COMBOS])
def test_duckdb_reads_every_format_and_shape(data, expected, gen, name):
    shape, path, truth = data[name]
    result = analyze(gen, shape, path, SEMANTICS["person"])
    assert [s["reached"] for s in result["steps"]] == truth["reached"]
    assert result["conformance"]["unmatched_events"] == truth["unmatched_events"]
    assert result["totals"]["events_read"] == truth["events"]
    transitions = {f"{t['from']}>{t['to']}": t["count"] for t in result["conformance"]["unexpected_transitions"]}
    assert transitions == {k: v for k, v in truth["transitions"].items() if k in ("cart>product", "product>checkout")}
    assert {f"{t['from']}>{t['to']}": t["count"] for t in result["transitions"]} == truth["transitions"]
    assert comparable(result) == expected["person"]
    assert comparable(analyze(gen, shape, path, SEMANTICS["session"])) == expected["session"]


def test_a_glob_over_hive_partitions(data, gen):
    _shape, path, truth = data["hive"]
    result = analyze(gen, "events", path, Semantics(), glob=str(path / "dt=*" / "*.parquet"))
    assert [s["reached"] for s in result["steps"]] == truth["reached"]


def test_the_generator_is_deterministic(tmp_path, gen):
    a = gen.generate(str(tmp_path / "a.csv.gz"), 50, "events", "csv", seed=9)
    b = gen.generate(str(tmp_path / "b.csv.gz"), 50, "events", "csv", seed=9)
    assert (tmp_path / "a.csv.gz").read_bytes() == (tmp_path / "b.csv.gz").read_bytes()
    assert a == b
    c = gen.generate(str(tmp_path / "c.csv.gz"), 50, "events", "csv", seed=10)
    assert c != a


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
@pytest.mark.parametrize("name", ["hive", "e.csv.gz", "g.jsonl", "s.parquet"])
def test_spark_reads_every_shape(data, expected, gen, name, spark):
    shape, path, truth = data[name]
    result = analyze(gen, shape, path, SEMANTICS["person"], engine="spark")
    assert [s["reached"] for s in result["steps"]] == truth["reached"]
    assert comparable(result) == expected["person"]


def test_planted_rates_come_out_on_larger_data(tmp_path, gen):
    users = 40_000
    truth = gen.generate(str(tmp_path / "big.parquet"), users, seed=11, days=28)
    result = analyze(gen, "events", tmp_path / "big.parquet", Semantics(exclusions=()))
    reached = [s["reached"] for s in result["steps"]]
    assert reached == truth["reached"]
    # The planted continuation rates, blended over the tiers of those still going
    # (about 60 % bargain and 40 % premium at entry; premium users go on more often).
    share = {"bargain": 0.6, "premium": 0.4}
    planned = truth["planned_reach"]
    for k in range(1, 5):
        rate = {t: gen.CONTINUE[k][i] for i, t in enumerate(gen.TIERS)}
        assert planned[k] / planned[k - 1] == pytest.approx(sum(share[t] * rate[t] for t in share) / sum(share.values()), abs=0.02)
        share = {t: share[t] * rate[t] for t in share}
    # The window bites on the slow late steps only.
    assert reached[:3] == planned[:3] and reached[4] < planned[4]
    # Exclusions remove exactly the planted attempts.
    from cjm.analytics import Exclusion, Matcher

    excluded = analyze(gen, "events", tmp_path / "big.parquet", Semantics(exclusions=(Exclusion((Matcher(gen.EXCLUSION),)),)))
    assert [s["reached"] for s in excluded["steps"]] == truth["reached_with_exclusion"]
    assert json.loads(json.dumps(truth))["ties"] > 0


# --- finding the broken file (cjm.analytics.inputs) -------------------------------------------


def test_find_broken_names_the_first_file_that_cannot_be_read(tmp_path):
    import gzip as gz

    from cjm.analytics.inputs import find_broken, read_failure

    good = tmp_path / "a.jsonl"
    good.write_text('{"a": 1}\n\n{"b": 2}\n')
    bad_line = tmp_path / "b.jsonl"
    bad_line.write_text('{"a": 1}\n{"a": \n')
    cut = tmp_path / "c.jsonl.gz"
    whole = gz.compress("".join(f'{{"n": {i * 7919 % 10007}}}\n' for i in range(5000)).encode())
    cut.write_bytes(whole[: len(whole) // 2])
    assert find_broken(Source((str(good),), "jsonl")) is None
    err = find_broken(Source((str(good), str(bad_line), str(cut)), "jsonl"))
    assert err.message.startswith(f"cannot read {bad_line}: line 2 is not a JSON object (")
    assert "complete copy" in err.hint and err.exit_code == 2
    assert "gzip stream is broken or truncated" in find_broken(Source((str(cut),), "jsonl")).message
    short, no_marks = tmp_path / "s.parquet", tmp_path / "m.parquet"
    short.write_bytes(b"PAR1")
    no_marks.write_bytes(b"PAR1" + b"x" * 20)
    assert "too short to be a Parquet file" in find_broken(Source((str(short),), "parquet")).message
    assert "PAR1 marks" in find_broken(Source((str(no_marks),), "parquet")).message
    # Nothing broken that a check can see: the engine's own first line, cut short.
    err = read_failure(Source((str(good),), "jsonl"), "Binder Error: something\nstack trace\n" + "x" * 900)
    assert err.message == "cannot read the event data (1 file(s), jsonl): Binder Error: something"
    assert read_failure(Source((str(good),), "jsonl"), "  ").message.endswith("unknown error")


def test_file_digest_is_the_sha256_of_the_bytes(tmp_path):
    import hashlib

    from cjm.analytics import inputs

    path = tmp_path / "e.bin"
    path.write_bytes(b"x" * (inputs.CHUNK + 5))  # more than one chunk
    assert inputs.file_digest(str(path)) == hashlib.sha256(path.read_bytes()).hexdigest()
