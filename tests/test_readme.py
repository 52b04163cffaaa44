"""The README stays true: every rule, command and output format it should name,
it names; every command it shows exists."""

from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_rule_is_documented():
    from cjm.rules import load_builtin_rules

    for rule in load_builtin_rules().values():
        assert f"| {rule.code.code} | `{rule.name}` | {rule.severity.label} |" in README, rule.code


def test_every_command_is_documented_and_every_documented_command_exists():
    from typer.main import get_command

    from cjm.cli.app import app

    commands = set(get_command(app).commands)
    for name in commands:
        assert f"cjm {name}" in README, f"`cjm {name}` is not in the README"
    lines, inside = [], False
    for line in README.splitlines():
        if line.lstrip().startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line)
    blocks = "\n".join(lines)
    shown = set(re.findall(r"(?:^|\$ |&& |\| )(?:\.venv/bin/)?cjm ([a-z]+)", blocks, re.M))
    assert shown <= commands, shown - commands


def test_every_render_format_and_reporter_is_documented():
    from cjm.render import RENDERERS
    from cjm.reporters import REPORTERS

    for name, fmt in RENDERERS.items():
        assert f"| `{name}` |" in README, name
    for name in REPORTERS:
        assert name in README


def test_the_two_commands_are_near_the_top():
    head = README[:2500]
    assert "pip install" in head and "cjm render examples/" in head
    assert "bash scripts/test.sh" in head
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_the_one_minute_map_validates_and_the_typo_is_reported_as_shown(cjm, tmp_path):
    block = re.search(r"```yaml\n(# shop\.yaml\n.*?)```", README, re.S).group(1)
    shop = tmp_path / "shop.yaml"
    shop.write_text(block)
    clean = cjm("validate", "shop.yaml", cwd=tmp_path)
    assert clean.returncode == 0 and "All good" in clean.stdout, clean.stdout
    shop.write_text(block.replace("emotion: {sam: -2}", "emotion: {samm: -2}"))
    typo = cjm("validate", "shop.yaml", cwd=tmp_path)
    shown = re.search(r"\$ cjm validate shop.yaml\n(shop\.yaml:\d+:\d+: error [^\n]+)\n", README).group(1)
    assert typo.returncode == 1
    assert typo.stdout.splitlines()[0] == shown
