"""Importing cjm.analytics must not load the heavy engines: cjm runs in pre-commit hooks."""

from __future__ import annotations

import json
import subprocess
import sys


def test_import_stays_light():
    code = (
        "import json, sys; import cjm.analytics, cjm.model.analytics; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('duckdb', 'pyspark', 'pyarrow', 'numpy', 'py4j'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_engines_do_load_when_asked():
    # The check above is only worth something if the same probe sees a heavy import.
    code = "import json, sys; import cjm.analytics.engine_duckdb as e, duckdb; print(json.dumps('duckdb' in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) is True
