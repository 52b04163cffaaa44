"""The review stage: what a pull request (or merge request) changes for the customer,
posted as one comment that is updated in place on every push.

    diff       the project's maps at the base revision against the working tree (maps
               deleted by the change included), as ``cjm diff REV`` compares them
    summary    the whole diff in Markdown, for the CI job's summary page
    comment    ``cjm.authoring.diff.format_comment``: counts first, details collapsed,
               under the host's size limit, linking the summary when cut
    post       GitHub (issue comments API) or GitLab (merge request notes API): the
               comment whose body starts with the hidden marker is found (every page
               of comments is read) and updated; one is created only when something
               changed. When nothing changed, nothing is posted, and an earlier
               comment of cjm is updated to say so.
    pictures   before/after PNGs of the changed maps (``cjm render -f png``), when
               this cjm has that format; otherwise none, and the review goes on

Only the standard library talks to the APIs (``urllib``). The stage never prints;
the command line (``cjm.cli.review``) does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjm.diagnostics.errors import EnvironmentProblem, UsageError

GITLAB_LIMIT = 1_000_000  # characters in a GitLab note
SUMMARY_LIMIT = 1_000_000  # bytes GitHub shows of one step's summary (it refuses more)
TIMEOUT = 30


@dataclass
class ReviewRequest:
    base: str | None = None  # the revision to compare with; None: from the CI's environment
    host: str = "github"  # github | gitlab | none (print the comment, post nothing)
    key: str = "cjm"  # the marker's key: one comment per key (several projects in one repository)
    summary: Path | None = None  # append the whole diff here; None: $GITHUB_STEP_SUMMARY when set
    summary_url: str | None = None  # None: the run's page on GitHub, the job's artifacts on GitLab
    pictures_url: str | None = None
    pictures: list[str] = field(default_factory=list)  # names of the pictures behind pictures_url
    config: Path | None = None
    env: dict[str, str] | None = None  # None: os.environ


@dataclass
class ReviewResult:
    diffs: list[dict[str, Any]]
    body: str
    summary: str
    changed: bool
    action: str = "none"  # created | updated | unchanged | nothing-to-post | not-posted
    url: str | None = None
    calls: list[str] = field(default_factory=list)  # the API calls made, "GET /path" (for -v and the tests)


# --- what changed ---------------------------------------------------------------------------------


def changes(base: str, config: Path | None = None) -> list[dict[str, Any]]:
    """Every map of the project compared with ``base``: the maps in the working tree,
    and the maps the change deleted."""
    from cjm.authoring.diff import diff_maps
    from cjm.pipeline.diff import DiffRequest, _git, check_revision, diff, load_model
    from cjm.pipeline.project import ProjectCache, find_config, glob_to_regex

    check_revision(base, Path.cwd())
    result = diff(DiffRequest([base], False, config))
    if result.report.findings:
        from cjm.diagnostics.errors import InputError

        raise InputError("some maps cannot be compared: they do not load or fail the schema",
                         findings=result.report.findings)
    diffs = list(result.diffs)
    config_file = config or find_config(Path.cwd())
    if config_file is None:
        return diffs
    project = ProjectCache(config).for_path(config_file)
    top = _git(["rev-parse", "--show-toplevel"], Path.cwd()).stdout.decode().strip()
    deleted = _git(["diff", "--name-only", "--no-renames", "--diff-filter=D", "-z", base, "--", "."],
                   project.root).stdout.decode("utf-8", "replace").split("\0")
    patterns = [glob_to_regex(p) for p in project.config.maps]
    catalogs = [glob_to_regex(p) for p in project.config.catalogs]
    root = Path(top).resolve()
    for name in sorted(n for n in deleted if n):
        path = root / name
        try:
            rel = path.relative_to(project.root.resolve()).as_posix()
        except ValueError:
            continue
        if not any(r.match(rel) for r in patterns) or any(r.match(rel) for r in catalogs):
            continue
        shown = os.path.relpath(path, Path.cwd()).replace(os.sep, "/")
        raw = _git(["show", f"{base}:{name}"], root).stdout
        old, _findings = load_model(f"{base}:{shown}", data=raw, kinds=("map", "catalog"))
        if old is not None and old.kind == "map":
            diffs.append(diff_maps(old, None, f"{base}:{shown}", shown))
    return diffs


def summary_text(diffs: list[dict[str, Any]], base: str) -> str:
    """The whole diff for the job's summary page, cut (and said so) at the page's limit."""
    from cjm.authoring.diff import format_markdown, has_changes

    changed = [d for d in diffs if has_changes(d)]
    if not changed:
        return f"### Journey map changes\n\nNo changes for the customer against `{base}`.\n"
    text = format_markdown(changed)
    if len(text.encode("utf-8")) > SUMMARY_LIMIT - 200:
        cut = text.encode("utf-8")[: SUMMARY_LIMIT - 400].decode("utf-8", "ignore")
        text = cut[: cut.rfind("\n") + 1] + "\n…cut at the summary page's size limit; `cjm diff " \
            f"{base} -f json` gives all of it.\n"
    return text


# --- the hosts -----------------------------------------------------------------------------------


class ApiError(EnvironmentProblem):
    """The host's API refused a call or could not be reached."""


def _call(method: str, url: str, headers: dict[str, str], body: dict | None, calls: list[str]) -> tuple[Any, Any]:
    parsed = urllib.parse.urlsplit(url)
    calls.append(f"{method} {parsed.path}" + (f"?{parsed.query}" if parsed.query else ""))
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        **headers, **({"Content-Type": "application/json"} if data is not None else {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - http(s) from the CI
            payload = response.read()
            return (json.loads(payload) if payload else None), response.headers
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise ApiError(f"{method} {parsed.path}: {exc.code} {exc.reason}: {detail}",
                       "check the token's permissions (GitHub: pull-requests: write; GitLab: api)") from None
    except urllib.error.URLError as exc:
        raise ApiError(f"{method} {parsed.netloc}: {exc.reason}") from None


def _next_link(headers) -> str | None:
    """The rel="next" URL of a GitHub Link header."""
    for part in (headers.get("Link") or "").split(","):
        url, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return url.strip().strip("<>")
    return None


@dataclass
class GitHub:
    api: str
    repository: str  # owner/name
    number: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "cjm-review"}

    def find(self, marker: str, calls: list[str]) -> tuple[Any, str] | None:
        url: str | None = f"{self.api}/repos/{self.repository}/issues/{self.number}/comments?per_page=100"
        while url:
            page, headers = _call("GET", url, self.headers, None, calls)
            for comment in page or []:
                if (comment.get("body") or "").startswith(marker):
                    return comment["id"], comment.get("html_url") or ""
            url = _next_link(headers)
        return None

    def create(self, body: str, calls: list[str]) -> str:
        made, _h = _call("POST", f"{self.api}/repos/{self.repository}/issues/{self.number}/comments", self.headers,
                         {"body": body}, calls)
        return (made or {}).get("html_url", "")

    def update(self, ident: Any, body: str, calls: list[str]) -> str:
        made, _h = _call("PATCH", f"{self.api}/repos/{self.repository}/issues/comments/{ident}", self.headers,
                         {"body": body}, calls)
        return (made or {}).get("html_url", "")


@dataclass
class GitLab:
    api: str
    project: str  # id or url-encoded path
    iid: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"PRIVATE-TOKEN": self.token, "User-Agent": "cjm-review"}

    def _notes(self) -> str:
        return f"{self.api}/projects/{urllib.parse.quote(str(self.project), safe='')}/merge_requests/{self.iid}/notes"

    def find(self, marker: str, calls: list[str]) -> tuple[Any, str] | None:
        page = "1"
        while page:
            notes, headers = _call("GET", f"{self._notes()}?per_page=100&page={page}&sort=asc", self.headers, None,
                                   calls)
            for note in notes or []:
                if (note.get("body") or "").startswith(marker):
                    return note["id"], ""
            page = (headers.get("X-Next-Page") or "").strip()
        return None

    def create(self, body: str, calls: list[str]) -> str:
        _call("POST", self._notes(), self.headers, {"body": body}, calls)
        return ""

    def update(self, ident: Any, body: str, calls: list[str]) -> str:
        _call("PUT", f"{self._notes()}/{ident}", self.headers, {"body": body}, calls)
        return ""


def _event(env: dict[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def host_from(request: ReviewRequest, env: dict[str, str]):
    """The API client for ``request.host``, configured from the CI's environment."""
    if request.host == "github":
        event = _event(env)
        number = (event.get("pull_request") or {}).get("number") or env.get("CJM_PR_NUMBER")
        repository, token = env.get("GITHUB_REPOSITORY"), env.get("GITHUB_TOKEN")
        missing = [name for name, value in (("GITHUB_REPOSITORY", repository), ("GITHUB_TOKEN", token),
                                            ("a pull request number (GITHUB_EVENT_PATH or CJM_PR_NUMBER)", number))
                   if not value]
        if missing:
            raise UsageError(f"cannot post to GitHub: {', '.join(missing)} not set",
                             "run in a pull_request workflow with GITHUB_TOKEN in the environment, or use --host none")
        return GitHub(env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"), repository, int(number), token)
    if request.host == "gitlab":
        token = env.get("CJM_GITLAB_TOKEN") or env.get("GITLAB_TOKEN")
        project, iid = env.get("CI_PROJECT_ID"), env.get("CI_MERGE_REQUEST_IID")
        missing = [name for name, value in (("CJM_GITLAB_TOKEN", token), ("CI_PROJECT_ID", project),
                                            ("CI_MERGE_REQUEST_IID", iid)) if not value]
        if missing:
            raise UsageError(f"cannot post to GitLab: {', '.join(missing)} not set",
                             "run in a merge request pipeline with a project access token in CJM_GITLAB_TOKEN")
        return GitLab(env.get("CI_API_V4_URL", "https://gitlab.com/api/v4").rstrip("/"), project, int(iid), token)
    return None


def base_from(request: ReviewRequest, env: dict[str, str]) -> str:
    if request.base:
        return request.base
    if request.host == "github":
        found = ((_event(env).get("pull_request") or {}).get("base") or {}).get("sha")
        if found:
            return found
    if env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        return env["CI_MERGE_REQUEST_DIFF_BASE_SHA"]
    raise UsageError("no base revision: give --base REV (in a pull request workflow it is found in the event)")


def summary_url_from(request: ReviewRequest, env: dict[str, str]) -> str | None:
    if request.summary_url:
        return request.summary_url
    if request.host == "github" and env.get("GITHUB_REPOSITORY") and env.get("GITHUB_RUN_ID"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        return f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    if request.host == "gitlab" and env.get("CI_JOB_URL"):
        return f"{env['CI_JOB_URL']}/artifacts/file/cjm-diff.md"
    return None


# --- the review ---------------------------------------------------------------------------------


def review(request: ReviewRequest) -> ReviewResult:
    from cjm.authoring.diff import GITHUB_LIMIT, comment_marker, format_comment, has_changes

    env = dict(os.environ if request.env is None else request.env)
    base = base_from(request, env)
    client = host_from(request, env)  # before any work: a missing token is said at once
    diffs = changes(base, request.config)
    changed = any(has_changes(d) for d in diffs)
    limit = GITLAB_LIMIT if request.host == "gitlab" else GITHUB_LIMIT
    body = format_comment(diffs, key=request.key, max_chars=limit, summary_url=summary_url_from(request, env),
                          pictures_url=request.pictures_url, pictures=request.pictures,
                          revision=env.get("GITHUB_SHA", env.get("CI_COMMIT_SHA", ""))[:12] or None)
    result = ReviewResult(diffs, body, summary_text(diffs, base), changed)
    summary = request.summary or (Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None)
    if summary is not None:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(result.summary)
    if client is None:
        result.action = "not-posted"
        return result
    marker = comment_marker(request.key)
    found = client.find(marker, result.calls)
    if found is None and not changed:
        result.action = "nothing-to-post"
        return result
    if found is None:
        result.url = client.create(body, result.calls)
        result.action = "created"
    else:
        result.url = client.update(found[0], body, result.calls) or found[1]
        result.action = "updated"
    return result


# --- pictures ----------------------------------------------------------------------------------


@dataclass
class PicturesResult:
    written: list[Path] = field(default_factory=list)
    note: str = ""  # why there are none, when there are none


def pictures(base: str | None, out: Path, config: Path | None = None,
             env: dict[str, str] | None = None) -> PicturesResult:
    """Before and after PNGs of every map the change touches: ``out/before/NAME.png``
    (the map at ``base``, drawn in a worktree of ``base``) and ``out/after/NAME.png``."""
    from cjm.authoring.diff import has_changes
    from cjm.render import RENDERERS

    env = dict(os.environ if env is None else env)
    base = base_from(ReviewRequest(base=base), env)
    if "png" not in RENDERERS:
        return PicturesResult(note="this cjm cannot export PNG (cjm render -f png): no pictures")
    diffs = [d for d in changes(base, config) if has_changes(d)]
    if not diffs:
        return PicturesResult(note="no map changed for the customer: no pictures")
    result = PicturesResult()
    from cjm.pipeline.diff import _git

    top = Path(_git(["rev-parse", "--show-toplevel"], Path.cwd()).stdout.decode().strip())
    here = Path.cwd().resolve().relative_to(top.resolve())
    worktree = Path(tempfile.mkdtemp(prefix="cjm-base-"))
    try:
        added = _git(["worktree", "add", "--detach", "--quiet", str(worktree), base], top)
        if added.returncode != 0:
            return PicturesResult(note=f"cannot check out {base} for the before pictures: "
                                       f"{added.stderr.decode('utf-8', 'replace').strip()}")
        for d in diffs:
            for side, root in (("before", worktree / here), ("after", Path.cwd())):
                if not (d["old"] if side == "before" else d["new"])["exists"]:
                    continue
                # The map's path (as shown, relative to here) is the same on both sides.
                written = _png(root / d["new"]["file"], out / side, config if side == "after" else None)
                if isinstance(written, str):
                    result.note = written
                else:
                    result.written.extend(written)
    finally:
        _git(["worktree", "remove", "--force", str(worktree)], top)
        shutil.rmtree(worktree, ignore_errors=True)
    return result


def _png(map_file: Path, out: Path, config: Path | None) -> list[Path] | str:
    """``map_file`` drawn as PNG into ``out``; the paths written, or why not."""
    from cjm.diagnostics.errors import CjmError
    from cjm.pipeline.render import RenderRequest, render_maps, write_outputs

    try:
        result = render_maps(RenderRequest([str(map_file)], ["png"], out=str(out), config=config))
        write_outputs(result, False)
    except CjmError as exc:
        return f"{map_file.name}: no picture: {exc.message}"
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{map_file.name}: no picture: {exc}"
    return [o.path for o in result.outputs if o.path is not None]
