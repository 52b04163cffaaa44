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


def test_from_zero_to_a_reviewed_map_works_as_written(cjm, tmp_path, monkeypatch):
    """Every line of the walk, run as written (install aside): cjm in-process,
    git for real, and an edit where the README says to make one."""
    import shlex
    import shutil
    import subprocess

    if shutil.which("git") is None:
        import pytest

        pytest.skip("git is not installed")
    block = re.search(r"## From zero to a reviewed map\n\n```sh\n(.*?)```", README, re.S).group(1)
    env = {"GIT_AUTHOR_NAME": "CX Team", "GIT_AUTHOR_EMAIL": "cx@example.com", "GIT_COMMITTER_NAME": "CX Team",
           "GIT_COMMITTER_EMAIL": "cx@example.com", "GIT_CONFIG_GLOBAL": "/dev/null"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    cwd = tmp_path
    diff = None
    for raw in block.splitlines():
        line = raw.split("  #", 1)[0].strip()
        if not line or line.startswith(("pipx ", "pip ")):
            continue
        if line.startswith("#"):  # "…edit the map…": change an emotion and add a pain point
            path = next((cwd / "maps").glob("*.yaml"))
            text = path.read_text()
            edited = re.sub(r"emotion: -1\n", "emotion: 1\n", text, count=1)
            assert edited != text
            path.write_text(edited)
            continue
        for part in line.split(" && "):
            args = shlex.split(part)
            if args[0] == "cd":
                cwd = cwd / args[1]
            elif args[0] == "git":
                proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
                assert proc.returncode == 0, (part, proc.stdout, proc.stderr)
            else:
                assert args[0] == "cjm", part
                ran = cjm(*args[1:], cwd=cwd)
                assert ran.returncode == 0, (part, ran)
                if args[1] == "diff":
                    diff = ran.stdout
    assert diff is not None and "better" in diff, diff
