"""Validators for the pydantic models, kept on disk between runs.

Building the pydantic validator of ``JourneyMap`` costs ~60 ms and, the first
time any validator is built, pydantic imports its plugin loader (which imports
``importlib.metadata``, another ~35 ms). ``cjm validate`` runs on every commit,
so the built ``SchemaValidator`` (which pydantic-core can pickle) is cached in
``~/.cache/cjm/validators``, keyed by the versions of cjm, pydantic,
pydantic-core and Python and by a hash of the modules that define the models:
any change to the models, or an upgrade, builds and stores a fresh one. A cache
that cannot be read or written is ignored. ``CJM_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_MEMO: dict[type, Any] = {}


def _cache_file(cls: type) -> str | None:
    from cjm.infra.cache import cache_dir

    folder = cache_dir("validators")
    if folder is None:
        return None
    import hashlib

    import pydantic.version
    import pydantic_core

    from cjm import __version__

    # The models of one class can use types from the others (FormatVersion, Id…):
    # hash every module of the package, so that any change rebuilds them all.
    digest = hashlib.sha256()
    models = os.path.dirname(sys.modules[cls.__module__].__file__ or "")
    try:
        for name in sorted(os.listdir(models)):
            if name.endswith(".py"):
                with open(os.path.join(models, name), "rb") as handle:
                    digest.update(name.encode() + b"\0" + handle.read())
    except OSError:
        return None
    key = "|".join((cls.__module__, cls.__qualname__, __version__, pydantic.version.VERSION,
                    pydantic_core.__version__, sys.version, digest.hexdigest()))
    name = f"{cls.__name__}-{hashlib.sha256(key.encode()).hexdigest()[:20]}.pickle"
    return os.path.join(folder, name)


def validator_for(cls: type) -> Any:
    """``cls.__pydantic_validator__``, unpickled from the cache when possible."""
    found = _MEMO.get(cls)
    if found is not None:
        return found
    import pickle

    path = _cache_file(cls)
    validator = None
    if path is not None:
        try:
            with open(path, "rb") as handle:
                validator = pickle.load(handle)
        except Exception:  # noqa: BLE001 - missing, truncated or from another build: rebuild
            validator = None
    if validator is None:
        cls.model_rebuild()  # the models use defer_build: build now
        validator = cls.__pydantic_validator__
        if path is not None:
            try:
                _store(path, pickle.dumps(validator, protocol=pickle.HIGHEST_PROTOCOL))
            except (pickle.PicklingError, TypeError, AttributeError):
                pass  # a validator that cannot be pickled is simply not cached
    _MEMO[cls] = validator
    return validator


def _store(path: str, data: bytes) -> None:
    import tempfile

    try:
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        # Keep one validator per class: drop those of earlier builds.
        prefix = os.path.basename(path).split("-", 1)[0] + "-"
        for name in os.listdir(folder):
            if name.startswith(prefix) and name.endswith(".pickle") and name != os.path.basename(path):
                try:
                    os.unlink(os.path.join(folder, name))
                except OSError:
                    pass
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        pass
