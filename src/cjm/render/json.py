"""``-f json``: the resolved model (catalogue personas, channels and KPIs in
place), as stable JSON with sorted keys."""

from __future__ import annotations

import json


def render(resolved, options, shared=None) -> str:
    return json.dumps(resolved.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
