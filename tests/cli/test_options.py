"""Options several commands share: the reporter format, with a suggestion for a typo."""

from __future__ import annotations

import pytest

from cjm.cli.options import report_format
from cjm.diagnostics.errors import UsageError


def test_default_is_text_or_github_inside_actions(monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert report_format(None) == "text"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert report_format(None) == "github"
    assert report_format("json") == "json"


def test_a_typo_gets_a_suggestion():
    with pytest.raises(UsageError) as info:
        report_format("sarf")
    assert "choose from text, json, github, sarif" in info.value.message
    assert info.value.hint == "did you mean 'sarif'?"


@pytest.mark.parametrize("command", [["validate"], ["fmt"], ["import", "mermaid", "x.mmd"],
                                     ["export", "csv", "x.yaml"]])
def test_every_command_that_finds_problems_offers_the_same_formats(cjm, command):
    ran = cjm(*command, "-f", "nope")
    assert ran.returncode == 2 and "choose from text, json, github, sarif" in ran.stderr
