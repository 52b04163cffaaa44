"""A local stand-in for the REST APIs `cjm review` talks to, recording every call.

GitHub: list (paginated with a Link header), create and update issue comments.
GitLab: list (paginated with X-Next-Page), create and update merge request notes.
It refuses calls without the expected token, as the real APIs do, and checks
that bodies stay under GitHub's limit.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "test-token-not-a-secret"
GITHUB_LIMIT = 65_536


@dataclass
class Comment:
    id: int
    body: str
    user: str = "github-actions[bot]"


@dataclass
class StandIn:
    repository: str = "acme/journeys"
    number: int = 7
    project: str = "42"
    comments: list[Comment] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path with query)
    per_page_cap: int = 100
    next_id: int = 1000
    url: str = ""

    def add(self, body: str, user: str = "someone") -> Comment:
        self.next_id += 1
        comment = Comment(self.next_id, body, user)
        self.comments.append(comment)
        return comment

    def writes(self) -> list[tuple[str, str]]:
        return [c for c in self.calls if c[0] != "GET"]


def _handler(state: StandIn):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, code: int, payload, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            github = self.headers.get("Authorization") == f"Bearer {TOKEN}" and \
                self.headers.get("Accept") == "application/vnd.github+json"
            gitlab = self.headers.get("PRIVATE-TOKEN") == TOKEN
            if not (github or gitlab):
                self._send(401, {"message": "Bad credentials"})
                return False
            return True

        def _body(self) -> str:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw)["body"]
            assert isinstance(body, str)
            return body

        def _page(self, query: dict, link_base: str, gitlab: bool):
            per_page = min(int(query.get("per_page", ["30"])[0]), state.per_page_cap)
            page = int(query.get("page", ["1"])[0])
            start = (page - 1) * per_page
            chunk = state.comments[start:start + per_page]
            more = start + per_page < len(state.comments)
            if gitlab:
                headers = {"X-Next-Page": str(page + 1) if more else ""}
                return [{"id": c.id, "body": c.body, "author": {"username": c.user}} for c in chunk], headers
            headers = {"Link": f'<{state.url}{link_base}?per_page={per_page}&page={page + 1}>; rel="next"'} if more \
                else {}
            return [{"id": c.id, "body": c.body, "user": {"login": c.user},
                     "html_url": f"https://github.example/{state.repository}/pull/{state.number}#issuecomment-{c.id}"}
                    for c in chunk], headers

        def _route(self, method: str) -> None:
            parts = urlsplit(self.path)
            state.calls.append((method, parts.path + (f"?{parts.query}" if parts.query else "")))
            if not self._authorised():
                return
            query = parse_qs(parts.query)
            gh_list = f"/repos/{state.repository}/issues/{state.number}/comments"
            gl_list = f"/projects/{state.project}/merge_requests/{state.number}/notes"
            if parts.path in (gh_list, gl_list):
                gitlab = parts.path == gl_list
                if method == "GET":
                    payload, headers = self._page(query, parts.path, gitlab)
                    return self._send(200, payload, headers)
                if method == "POST":
                    body = self._body()
                    if not gitlab and len(body.encode("utf-16-le")) // 2 > GITHUB_LIMIT:
                        return self._send(422, {"message": "Body is too long (maximum is 65536 characters)"})
                    made = state.add(body, "github-actions[bot]")
                    return self._send(201, {"id": made.id, "body": made.body,
                                            "html_url": f"https://github.example/c/{made.id}"})
            for comment in state.comments:
                if parts.path in (f"/repos/{state.repository}/issues/comments/{comment.id}", f"{gl_list}/{comment.id}"):
                    if method in ("PATCH", "PUT"):
                        body = self._body()
                        if method == "PATCH" and len(body.encode("utf-16-le")) // 2 > GITHUB_LIMIT:
                            return self._send(422, {"message": "Body is too long"})
                        comment.body = body
                        return self._send(200, {"id": comment.id, "body": body,
                                                "html_url": f"https://github.example/c/{comment.id}"})
            self._send(404, {"message": "Not Found"})

        def do_GET(self):  # noqa: N802
            self._route("GET")

        def do_POST(self):  # noqa: N802
            self._route("POST")

        def do_PATCH(self):  # noqa: N802
            self._route("PATCH")

        def do_PUT(self):  # noqa: N802
            self._route("PUT")

    return Handler


class Server:
    """``with Server() as api:`` -> a running stand-in; ``api.url`` is its base URL."""

    def __init__(self, state: StandIn | None = None) -> None:
        self.state = state or StandIn()

    def __enter__(self) -> StandIn:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.state.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self.state

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
