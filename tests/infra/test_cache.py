"""The folder of cjm's caches: CJM_CACHE_DIR, else $XDG_CACHE_HOME/cjm, else
~/.cache/cjm; none at all with CJM_NO_CACHE."""

from __future__ import annotations

import os

import pytest

from cjm.infra.cache import cache_dir

VARIABLES = ("CJM_CACHE_DIR", "XDG_CACHE_HOME", "CJM_NO_CACHE", "HOME")


@pytest.fixture
def env(monkeypatch, tmp_path):
    """Set exactly the variables given; HOME is a temporary folder."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    def set_(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_


def test_default_is_the_users_cache_folder(env, tmp_path):
    env()
    assert cache_dir() == os.path.join(str(tmp_path / "home"), ".cache", "cjm")
    assert cache_dir("validators") == os.path.join(str(tmp_path / "home"), ".cache", "cjm", "validators")


def test_xdg_cache_home(env, tmp_path):
    env(XDG_CACHE_HOME=str(tmp_path / "xdg"))
    assert cache_dir("templates") == os.path.join(str(tmp_path / "xdg"), "cjm", "templates")


def test_cjm_cache_dir_beats_xdg(env, tmp_path):
    env(XDG_CACHE_HOME=str(tmp_path / "xdg"), CJM_CACHE_DIR=str(tmp_path / "mine"))
    assert cache_dir("validators") == os.path.join(str(tmp_path / "mine"), "validators")
    assert cache_dir() == str(tmp_path / "mine")  # the folder itself, no "cjm" added


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_no_cache_turns_every_cache_off_whatever_else_is_set(env, tmp_path, value):
    env(CJM_NO_CACHE=value, CJM_CACHE_DIR=str(tmp_path / "mine"), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    assert cache_dir() is None and cache_dir("validators") is None


def test_empty_variables_count_as_unset(env, tmp_path):
    """An exported but empty variable (`export CJM_NO_CACHE=`) does not switch anything."""
    env(CJM_NO_CACHE="", CJM_CACHE_DIR="", XDG_CACHE_HOME="")
    assert cache_dir("x") == os.path.join(str(tmp_path / "home"), ".cache", "cjm", "x")


def test_nested_parts(env, tmp_path):
    env(CJM_CACHE_DIR=str(tmp_path / "c"))
    assert cache_dir("a", "b") == os.path.join(str(tmp_path / "c"), "a", "b")


def test_asking_creates_nothing(env, tmp_path):
    env(CJM_CACHE_DIR=str(tmp_path / "c"))
    cache_dir("validators")
    assert not (tmp_path / "c").exists() and not (tmp_path / "home").exists()
