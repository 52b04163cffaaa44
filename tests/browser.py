"""Open a local HTML file in Debian's real headless Chromium, through Playwright.

Playwright's own browser download does not work offline (and is never run):
we launch the system's ``/usr/bin/chromium`` (``CJM_CHROMIUM`` overrides the
path). ``Page`` records everything a test asserts on: console messages, page
errors, every network request, dialogs (which are dismissed) and CSP
violations (through a ``securitypolicyviolation`` listener installed before
any page script runs).
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("CJM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--disable-extensions",
        "--disable-default-apps", "--mute-audio"]


def chromium_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install playwright; no browser download is needed)"
    return None


# Runs in every document before its own scripts: CSP violations become data.
_RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});
"""


@dataclass
class Page:
    page: object  # playwright.sync_api.Page
    url: str
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind in ("error", "warning")]

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if u != self.url]

    def visible(self, selector: str) -> list[bool]:
        return [loc.is_visible() for loc in self.page.locator(selector).all()]

    def screenshot(self, path: Path, **kwargs) -> None:
        self.page.screenshot(path=str(path), **kwargs)


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def open_page(b, path: Path, color_scheme: str = "light", width: int = 1400, height: int = 900):
    """Open ``path`` over file:// in a fresh context; yield a recording Page."""
    url = Path(path).resolve().as_uri()
    context = b.new_context(color_scheme=color_scheme, viewport={"width": width, "height": height},
                            java_script_enabled=True)
    try:
        page = context.new_page()
        rec = Page(page, url)
        page.on("console", lambda m: rec.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: rec.errors.append(str(e)))
        page.on("request", lambda r: rec.requests.append(r.url))

        def on_dialog(dialog):
            rec.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.add_init_script(_RECORD_CSP)
        page.goto(url, wait_until="load")
        yield rec
    finally:
        context.close()
