"""The caches that make cjm start quickly (pydantic validators, compiled
templates) must never change a result: a corrupt or foreign entry is rebuilt,
and CJM_NO_CACHE turns them off."""

from __future__ import annotations

from conftest import EXAMPLES

MAP = str(EXAMPLES / "ecommerce-current.yaml")


def test_validators_are_cached_and_a_corrupt_entry_is_rebuilt(cjm, tmp_path, monkeypatch):
    """Each run starts with an empty memory, as a new process does (the memo is
    per process); what survives between runs is the file on disk."""
    from cjm.infra import validators

    env = {"CJM_CACHE_DIR": str(tmp_path)}
    monkeypatch.setattr(validators, "_MEMO", {})
    first = cjm("validate", MAP, env=env)
    assert first.returncode == 0
    entries = sorted((tmp_path / "validators").glob("JourneyMap-*.pickle"))
    assert len(entries) == 1
    entries[0].write_bytes(b"not a pickle")
    monkeypatch.setattr(validators, "_MEMO", {})
    again = cjm("validate", MAP, env=env)
    assert again.returncode == 0 and again.stdout == first.stdout
    assert entries[0].read_bytes() != b"not a pickle"  # rebuilt and stored again
    from cjm.model.journey import JourneyMap

    def no_build(*args, **kwargs):
        raise AssertionError("the validator was built again instead of read from the cache")

    monkeypatch.setattr(validators, "_MEMO", {})
    monkeypatch.setattr(JourneyMap, "model_rebuild", no_build)
    assert cjm("validate", MAP, env=env).stdout == first.stdout  # read back from disk


def test_findings_are_the_same_with_and_without_caches(cjm, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((EXAMPLES / "b2b-saas.yaml").read_text().replace("cjm: 1", "cjm: true", 1))
    cached = cjm("validate", "-f", "json", str(bad), env={"CJM_CACHE_DIR": str(tmp_path / "c")})
    uncached = cjm("validate", "-f", "json", str(bad), env={"CJM_NO_CACHE": "1"})
    assert cached.returncode == uncached.returncode == 1
    assert cached.stdout == uncached.stdout
    assert "format-version" in cached.stdout


def test_no_cache_writes_nothing(cjm, tmp_path):
    proc = cjm("render", MAP, "-f", "md", "-o", "-", env={"CJM_NO_CACHE": "1", "CJM_CACHE_DIR": str(tmp_path)})
    assert proc.returncode == 0
    assert list(tmp_path.iterdir()) == []
