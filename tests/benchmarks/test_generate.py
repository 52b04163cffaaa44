"""The benchmark maps are valid YAML that loads as generated (issue 8, item 20:
a thought holding a comma was written unquoted in a flow list and became two)."""

from __future__ import annotations

import importlib.util
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from cjm.loader import parse_text
from cjm.model.catalog import ProjectIndex
from cjm.pipeline.check import CheckSettings, check_document

spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)


def test_maps_load_with_the_values_they_were_generated_with():
    for name, (personas, stages, touchpoints) in generate.SIZES.items():
        if name == "l":
            continue  # same code path, 20 times the size
        for number in range(3):
            data = generate.make_map(random.Random(f"2-{name}-{number}"), personas, stages, touchpoints, number)
            doc = parse_text(f"{name}.yaml", generate.render(data))
            assert doc.findings == []
            assert doc.data == data
            assert check_document(doc, CheckSettings(ProjectIndex())).report.findings == []


def test_a_thought_with_a_comma_stays_one_thought():
    data = {"thoughts": ["Shoes, socks and laces", "[draft] {maybe}", "plain"]}
    assert parse_text("t.yaml", generate.render(data)).data == data


TEXT = st.one_of(st.text(st.sampled_from("aZ9 ,.:#-'\"[]{}&*!|>%@`?\\/()é\t"), min_size=1, max_size=12),
                 st.from_regex(r"[A-Za-z][a-z ,.()-]{0,10}", fullmatch=True))  # what the generator writes plain


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), TEXT)
def test_any_text_reads_back_as_written(items, text):
    data = {"short": items, "long": [text * 10, text], "value": text}
    assert parse_text("t.yaml", generate.render(data)).data == data
