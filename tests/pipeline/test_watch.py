"""--watch: one render at the start, then one per change to a watched file
(file events, not polling); changes to other files render nothing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from cjm.pipeline.watch import folders_of, relevant, watch


def _wait_for(predicate, seconds: float = 15.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_renders_once_per_change_and_ignores_other_files(tmp_path):
    shop = tmp_path / "shop.yaml"
    shop.write_text("title: a\n")
    renders: list[float] = []
    changes: list[float] = []
    stop = threading.Event()

    def render_once():
        renders.append(time.monotonic())
        return 0, [shop]

    thread = threading.Thread(target=watch, args=(render_once, [], lambda: changes.append(1), stop), daemon=True)
    thread.start()
    try:
        assert _wait_for(lambda: len(renders) == 1)
        time.sleep(0.5)  # let the watcher start listening
        shop.write_text("title: b\n")
        assert _wait_for(lambda: len(renders) == 2), "a change to the map did not render"
        time.sleep(1.0)
        assert len(renders) == 2, "one save rendered more than once"
        (tmp_path / ".shop.yaml.swp").write_text("editor noise")
        (tmp_path / "notes.txt").write_text("not watched")
        time.sleep(1.0)
        assert len(renders) == 2, "a file that is not watched rendered"
        assert changes == [1]
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_a_template_folder_is_watched_as_a_tree(tmp_path):
    templates = tmp_path / "templates" / "html"
    templates.mkdir(parents=True)
    files = {(tmp_path / "shop.yaml").resolve()}
    trees = {(tmp_path / "templates").resolve()}
    assert relevant([(1, str(templates / "extra.css"))], files, trees)
    assert relevant([(1, str(tmp_path / "shop.yaml"))], files, trees)
    assert not relevant([(1, str(tmp_path / "other.yaml"))], files, trees)


def test_folders_are_watched_once(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    folders = folders_of([tmp_path / "a" / "x.yaml", tmp_path / "a" / "b" / "y.yaml", tmp_path / "a"])
    assert folders == [Path(tmp_path / "a").resolve()]
