"""Browser tests: Playwright's Python API driving Debian's Chromium (/usr/bin/chromium; no
browser download) against one Voilà for the session, serving dashboards/ over the demo.

Fixtures for any dashboard test:

``voila_url``      Voilà on a free loopback port (pre-heated kernels, the offline template),
                   its kernels pointed at the demo service and the synced file
``page``           a fresh Chromium page; everything it requests and every console message
                   is recorded in ``browser_log``
``browser_log``    ``.outside()`` (requests leaving the machine), ``.errors()`` (console
                   errors and uncaught page errors)
``open_dashboard(page, voila_url, "manager.ipynb")``   load a dashboard, wait for its widgets
``screenshot(page, name)``   a full-size PNG under test-output/browser/
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from coo_lab.dashboard import serving
from coo_lab.processes import Child
from coo_lab.server.live import free_port

ROOT = Path(__file__).parents[2]
DASHBOARDS = ROOT / "dashboards"
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
VIEWPORT = {"width": 1400, "height": 2600}  # tall: Voilà scrolls inside its own element


@dataclass
class BrowserLog:
    """What a page asked for and said."""

    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Requests to anything but this machine (data: and blob: URLs stay inside)."""
        return [
            url
            for url in self.requests
            if urlparse(url).scheme not in ("data", "blob", "about")
            and urlparse(url).hostname not in LOCAL_HOSTS
        ]

    def errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.page_errors


@pytest.fixture(scope="session")
def voila_url(demo_site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("voila")
    port = free_port()
    voila = Child(
        "Voilà",
        serving.voila_command(DASHBOARDS, port),
        f"http://127.0.0.1:{port}/",
        folder / "voila.log",
        env=serving.voila_environment(
            serving.template_root(folder / "jupyter"),
            service_url=demo_site.url,
            warehouse=demo_site.warehouse,
        ),
    ).start()
    try:
        voila.wait_ready(timeout=180)
        yield f"http://127.0.0.1:{port}"
    finally:
        voila.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(browser, browser_log: BrowserLog) -> Iterator[object]:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.on("request", lambda request: browser_log.requests.append(request.url))
    page.on("console", lambda message: browser_log.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: browser_log.page_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


def open_dashboard(
    page, voila_url: str, notebook: str, *, ready: str = ".widget-vbox", timeout: float = 120_000
):
    """Load ``notebook`` (a file under dashboards/) and wait until its widgets are drawn."""
    page.goto(serving.dashboard_url(voila_url, notebook), wait_until="domcontentloaded")
    page.wait_for_selector(ready, timeout=timeout)
    return page


def screenshot(page, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
