"""``cjm review``: a pull request's changes for the customer, as one comment kept up to date."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from cjm.cli.errors import console, handle_errors
from cjm.cli.options import ConfigPath, config_option
from cjm.diagnostics.exits import ExitCode

HOSTS = ("github", "gitlab", "none")

review_app = typer.Typer(
    name="review", no_args_is_help=True, rich_markup_mode=None,
    help="Review pull requests: post what changed for the customer as one comment, with pictures.\n\n"
         "The GitHub Action in this repository (action.yml) runs these; GitLab CI can too (see the README).")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")


@review_app.command("comment")
@handle_errors()
def comment(
    base: Optional[str] = typer.Option(None, "--base", metavar="REV",
                                       help="The revision to compare with [default: the pull request's base, from "
                                            "the CI's environment]."),
    host: str = typer.Option("github", "--host", metavar="HOST",
                             help="github, gitlab, or none (print the comment, post nothing)."),
    key: str = typer.Option("cjm", "--key", metavar="KEY",
                            help="Which comment to update: one per key (several projects in one repository)."),
    summary: Optional[Path] = typer.Option(None, "--summary", metavar="FILE",
                                           help="Append the whole diff (Markdown) to FILE [default: "
                                                "$GITHUB_STEP_SUMMARY when set]."),
    summary_url: Optional[str] = typer.Option(None, "--summary-url", metavar="URL",
                                              help="Where the whole diff can be read, linked when the comment is "
                                                   "cut [default: the workflow run's page]."),
    pictures_url: Optional[str] = typer.Option(None, "--pictures-url", metavar="URL",
                                               help="Where the before/after pictures are (an artifact's URL)."),
    pictures: Optional[Path] = typer.Option(None, "--pictures", metavar="DIR",
                                            help="The folder `cjm review pictures` wrote, to name the pictures."),
    config: ConfigPath = config_option(),
) -> None:
    """Compare the project's maps with the base revision and post (or update) one comment.

    \b
    Nothing is posted when nothing changed for the customer (a `cjm fmt` edit changes
    nothing); an earlier comment is then updated to say so. The token comes from
    GITHUB_TOKEN (GitHub) or CJM_GITLAB_TOKEN (GitLab).

    \b
    Examples:
      cjm review comment                              in a GitHub pull_request workflow
      cjm review comment --host gitlab                in a GitLab merge request pipeline
      cjm review comment --host none --base main      print the comment here
    """
    from cjm.diagnostics.errors import UsageError
    from cjm.pipeline.choices import problem
    from cjm.pipeline.review import ReviewRequest, review

    if host not in HOSTS:
        message, hint = problem("host", host, HOSTS)
        raise UsageError(message, hint)
    names = sorted(p.relative_to(pictures).as_posix() for p in pictures.rglob("*.png")) if pictures else []
    out = console()
    result = review(ReviewRequest(base, host, key, summary, summary_url, pictures_url, names, config))
    for call in result.calls:
        out.detail(f"  {call}")
    if host == "none":
        out.out(result.body)
    said = {"created": "posted a comment", "updated": "updated the comment",
            "nothing-to-post": "nothing changed for the customer: nothing posted",
            "not-posted": "not posted (--host none)"}[result.action]
    changed = sum(1 for d in result.diffs if d["summary"]["changes"] or d["old"]["exists"] != d["new"]["exists"])
    out.say(f"{changed} of {len(result.diffs)} map(s) changed for the customer; {said}"
            + (f": {result.url}" if result.url else ""))
    _output("changed", "true" if result.changed else "false")
    if result.url:
        _output("comment-url", result.url)
    raise typer.Exit(ExitCode.OK)


@review_app.command("pictures")
@handle_errors()
def pictures_command(
    out_dir: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="Write before/ and after/ PNGs here."),
    base: Optional[str] = typer.Option(None, "--base", metavar="REV", help="The revision to compare with."),
    config: ConfigPath = config_option(),
) -> None:
    """Draw before and after pictures (PNG) of every map the change touches.

    \b
    Needs `cjm render -f png`; without it (or without the browser it uses) there are
    no pictures, it says why, and exits 0 so that the review goes on.
    """
    from cjm.pipeline.review import pictures

    out = console()
    result = pictures(base, out_dir, config)
    for path in result.written:
        out.detail(f"  wrote {path}")
    if result.note:
        out.warning(result.note)
    out.say(f"{len(result.written)} picture(s) in {out_dir}")
    _output("count", str(len(result.written)))
    raise typer.Exit(ExitCode.OK)


def _output(name: str, value: str) -> None:
    """A step output for GitHub Actions ($GITHUB_OUTPUT), when there is one."""
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{name}={value}\n")
