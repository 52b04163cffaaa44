"""Splitting a map into parts (cjm.render.pages): pages of a PDF by stage,
posters of ``--split stage`` and ``--split N``. Every step lands in exactly one
part, in order; a part is never wider than asked; stages stay whole where they
fit; each part says which it is, numbers its steps as the whole map does, and
is drawn with the title and every lane label of the whole map."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.model.journey import JourneyMap
from cjm.model.resolve import resolve
from cjm.render import RenderOptions, svg
from cjm.render.pages import MARGIN, MIN_SCALE, PAPERS, Part, columns_per_page, parts_for, split
from cjm.render.svg.layout import COL_W, LABEL_W, PAD


def map_data(sizes: list[int]) -> dict:
    """A map whose stage ``i`` has ``sizes[i]`` steps (0: an empty stage)."""
    return {"cjm": 1, "title": "Split map", "goal": "Get through",
            "personas": [{"id": "ann", "name": "Ann", "goals": ["g"]}],
            "stages": [{"id": f"s{i}", "name": f"Stage {i}", "touchpoints": [
                {"id": f"t{i}-{j}", "name": f"Step {i}.{j}", "emotion": 1} for j in range(n)]}
                for i, n in enumerate(sizes)]}


def make(sizes: list[int]):
    return resolve(JourneyMap.model_validate(map_data(sizes)), "split.yaml")


def ids(part: Part) -> list[str]:
    return [tp.id for s in part.resolved.map.stages for tp in s.touchpoints]


def columns(part: Part) -> int:
    return sum(max(1, len(s.touchpoints)) for s in part.resolved.map.stages)


def shape(parts: list[Part]) -> list[list[tuple[str, int]]]:
    return [[(s.id, len(s.touchpoints)) for s in p.resolved.map.stages] for p in parts]


# --- how many steps a page holds --------------------------------------------------------------
def test_columns_per_page():
    assert {p: columns_per_page(p) for p in PAPERS} == {"a4": 5, "a3": 8, "letter": 5, "poster": 27}
    for paper, (width, _h) in PAPERS.items():
        n = columns_per_page(paper)
        room = (width - 2 * MARGIN) / MIN_SCALE - 2 * PAD - LABEL_W
        assert n * COL_W <= room < (n + 1) * COL_W, paper  # as many as fit at the smallest readable scale


def test_unknown_paper():
    with pytest.raises(KeyError):
        columns_per_page("a5")


# --- split: the invariants, for any map -------------------------------------------------------
@settings(max_examples=150, deadline=None, derandomize=True)
@given(sizes=st.lists(st.integers(0, 9), min_size=1, max_size=7), per=st.integers(1, 10), by_stage=st.booleans())
def test_every_step_once_in_order_and_no_part_too_wide(sizes, per, by_stage):
    resolved = make(sizes)
    before = copy.deepcopy(resolved.map.model_dump())
    parts = split(resolved, per, by_stage=by_stage, noun="Page")
    assert [i for p in parts for i in ids(p)] == [tp.id for _s, tp in resolved.touchpoints()]
    assert all(1 <= columns(p) <= per for p in parts)
    # every stage appears, empty ones too, in order
    seen = [s.id for p in parts for s in p.resolved.map.stages]
    assert list(dict.fromkeys(seen)) == [s.id for s in resolved.stages]
    steps_before = 0
    for n, p in enumerate(parts, 1):
        assert p.first_step == steps_before
        steps_before += len(ids(p))
        assert p.suffix == f".part{n}"
        assert p.label.startswith(f"Page {n} of {len(parts)} \u00b7 ")
        assert p.resolved.title == resolved.title and p.resolved.personas == resolved.personas
        assert p.resolved.kpis == resolved.kpis and p.resolved.colors == resolved.colors
    if by_stage:  # a stage that fits a part is never cut
        for s in resolved.stages:
            if max(1, len(s.touchpoints)) <= per:
                assert sum(s.id in [x.id for x in p.resolved.map.stages] for p in parts) == 1, s.id
        size = {s.id: max(1, len(s.touchpoints)) for s in resolved.stages}
        for p in parts:  # ...and a piece of a cut stage has its part to itself
            cut = [x for x in p.resolved.map.stages if size[x.id] > per]
            assert not cut or len(p.resolved.map.stages) == 1, shape([p])
    assert resolved.map.model_dump() == before  # the map itself is left as it was


def test_whole_stages_share_a_page_when_they_fit():
    parts = split(make([2, 3, 4, 1]), 5, noun="Page")
    assert shape(parts) == [[("s0", 2), ("s1", 3)], [("s2", 4), ("s3", 1)]]
    assert [p.label for p in parts] == ["Page 1 of 2 \u00b7 Stage 0; Stage 1", "Page 2 of 2 \u00b7 Stage 2; Stage 3"]
    assert [p.first_step for p in parts] == [0, 5]


def test_a_stage_wider_than_a_page_is_cut_into_runs_of_steps():
    parts = split(make([2, 12]), 5, noun="Page")
    assert shape(parts) == [[("s0", 2)], [("s1", 5)], [("s1", 5)], [("s1", 2)]]
    assert [p.label.split(" \u00b7 ")[1] for p in parts] == [
        "Stage 0", "Stage 1, steps 3\u20137", "Stage 1, steps 8\u201312", "Stage 1, steps 13\u201314"]
    assert [p.first_step for p in parts] == [0, 2, 7, 12]


def test_a_piece_of_a_cut_stage_shares_its_page_with_nothing():
    parts = split(make([7, 2]), 5, noun="Page")
    assert shape(parts) == [[("s0", 5)], [("s0", 2)], [("s1", 2)]]
    assert [p.label.split(" \u00b7 ")[1] for p in parts] == ["Stage 0, steps 1\u20135", "Stage 0, steps 6\u20137",
                                                             "Stage 1"]
    assert [p.first_step for p in parts] == [0, 5, 7]


def test_a_run_of_one_step_is_called_a_step():
    parts = split(make([6]), 5, noun="Page")
    assert parts[1].label == "Page 2 of 2 \u00b7 Stage 0, step 6"
    parts = split(make([2, 3]), 1, by_stage=False)
    assert [p.label.split(" \u00b7 ")[1] for p in parts] == [
        "Stage 0, step 1", "Stage 0, step 2", "Stage 1, step 3", "Stage 1, step 4", "Stage 1, step 5"]


def test_more_room_than_steps_gives_one_part():
    parts = split(make([3, 0, 2]), 50)
    assert len(parts) == 1
    assert shape(parts) == [[("s0", 3), ("s1", 0), ("s2", 2)]]
    assert parts[0].label == "Part 1 of 1 \u00b7 Stage 0; Stage 1; Stage 2"


def test_empty_stages_take_a_column_and_are_named():
    parts = split(make([0, 0, 3]), 2, noun="Page")
    assert shape(parts) == [[("s0", 0), ("s1", 0)], [("s2", 2)], [("s2", 1)]]
    assert parts[0].label == "Page 1 of 3 \u00b7 Stage 0; Stage 1"
    assert [p.first_step for p in parts] == [0, 0, 2]


def test_a_part_of_nothing_is_one_step():
    assert len(split(make([4]), 0)) == 4  # at least one step a part
    assert len(split(make([4]), -3)) == 4


def test_runs_of_n_steps_cross_stage_boundaries():
    parts = split(make([3, 0, 3]), 3, by_stage=False)
    assert shape(parts) == [[("s0", 3)], [("s1", 0), ("s2", 2)], [("s2", 1)]]
    assert parts[1].label == "Part 2 of 3 \u00b7 Stage 1; Stage 2, steps 4\u20135"


def test_stage_names_in_labels_are_cleaned_of_what_xml_cannot_hold():
    # The format now refuses control characters in names, so the name is put
    # in past validation: split() must stay safe whatever map it is handed.
    journey = JourneyMap.model_validate(map_data([2, 2]))
    stages = list(journey.stages)
    stages[0] = stages[0].model_copy(update={"name": "Pay\x00 <now> & \"go\""})
    parts = split(resolve(journey.model_copy(update={"stages": stages}), "x.yaml"), 2)
    assert parts[0].label == "Part 1 of 2 \u00b7 Pay <now> & \"go\""  # escaped when drawn, not here


# --- --split -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", [None, ""])
def test_no_split_is_the_whole_map(how):
    assert parts_for(make([2, 2]), RenderOptions(split=how)) is None


def test_split_by_stage_is_one_poster_per_stage_whatever_its_size():
    parts = parts_for(make([2, 0, 30]), RenderOptions(split="stage"))
    assert shape(parts) == [[("s0", 2)], [("s1", 0)], [("s2", 30)]]
    assert [p.label for p in parts] == ["Part 1 of 3 \u00b7 Stage 0", "Part 2 of 3 \u00b7 Stage 1",
                                        "Part 3 of 3 \u00b7 Stage 2"]
    assert [p.first_step for p in parts] == [0, 2, 2]
    assert [p.suffix for p in parts] == [".part1", ".part2", ".part3"]


def test_split_by_n_steps():
    parts = parts_for(make([2, 3, 1]), RenderOptions(split="4"))
    assert shape(parts) == [[("s0", 2), ("s1", 2)], [("s1", 1), ("s2", 1)]]
    assert parts[0].label == "Part 1 of 2 \u00b7 Stage 0; Stage 1, steps 3\u20134"
    assert len(parts_for(make([2, 3, 1]), RenderOptions(split="100"))) == 1  # N larger than the map


# --- every part is a complete map -------------------------------------------------------------------
def lane_labels(sc) -> list[str]:
    return [g.attrs["data-lane"] for g in sc.groups("cjm-lane-label-cell")]


def texts(sc, cls: str) -> list[str]:
    return [" ".join(t.lines) for t in sc.texts() if t.cls == cls]


def test_every_part_keeps_the_title_the_lane_labels_and_the_numbers():
    data = map_data([3, 3, 3])
    # only the first stage has pain points, actions and thoughts: later parts still get those lanes
    data["stages"][0]["touchpoints"][0].update(action="Looks", thoughts=["Hm"],
                                               pain_points=[{"id": "p1", "title": "Slow"}])
    data["stages"][2]["touchpoints"][1]["pain_points"] = [{"id": "p2", "title": "Broken"}]
    resolved = resolve(JourneyMap.model_validate(data), "x.yaml")
    options = RenderOptions()
    whole = svg.lay_out(resolved, options)
    parts = split(resolved, 3, noun="Page")
    scenes = svg.part_scenes(resolved, options, parts)
    assert len(scenes) == 3
    for part, sc in zip(parts, scenes):
        assert texts(sc, "cjm-title") == ["Split map"]
        assert texts(sc, "cjm-part") == [part.label]
        assert lane_labels(sc) == lane_labels(whole) == ["actions", "touchpoints", "thoughts", "emotions",
                                                         "pain_points"]
        assert part.label in sc.title  # the document's title says which part
    # steps and pain points are numbered as on the whole map
    assert texts(scenes[2], "cjm-step-label") == ["7", "8", "9"]
    assert "P2" in texts(scenes[2], "cjm-ref-label") and "P1" not in texts(scenes[2], "cjm-ref-label")


def test_split_through_the_command_line(cjm, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(json.dumps(map_data([3, 2, 4])), encoding="utf-8")
    ran = cjm("render", str(path), "-f", "svg", "--split", "stage", "-o", str(tmp_path / "out"))
    assert ran.returncode == 0, ran.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["big.part1.svg", "big.part2.svg", "big.part3.svg"]
    assert "Part 2 of 3 \u00b7 Stage 1" in (tmp_path / "out" / "big.part2.svg").read_text(encoding="utf-8")
    ran = cjm("render", str(path), "-f", "svg", "--split", "4", "-o", "-")
    assert ran.returncode == 2 and "--split writes 3 files" in ran.stderr
    for bad in ("0", "-1", "two", "1.5"):
        ran = cjm("render", str(path), "-f", "svg", "--split", bad, "-o", str(tmp_path / "bad"))
        assert ran.returncode == 2, bad
        assert not (tmp_path / "bad").exists()
