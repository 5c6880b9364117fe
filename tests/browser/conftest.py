"""End-to-end tests in Debian's Chromium, driven by Playwright against pytest-django's live server.

One browser per test process (xdist worker); one fresh context (cookies, storage) per
test. Every page must load without a console error, an uncaught exception or a CSP
violation: the ``page`` fixture collects them and fails the test if there are any.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright

from tests.factories import PracticeFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}

# Chromium reports every 4xx/5xx response as "Failed to load resource"; a page that is
# meant to answer 403 or 429 (not allowed, account locked) is not an error of the page.
_FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of")

# Names the element behind a CSP violation (Chromium's own message does not).
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 300) : "";
  console.error(`CSP violation of ${event.violatedDirective} by ${event.sourceFile}:${event.lineNumber} on ${where}`);
});
"""


@pytest.fixture(autouse=True)
def practice(transactional_db):
    """The practice, in a database the live server's thread sees (committed, flushed after)."""
    return PracticeFactory()


class _Chromium:
    """One Playwright and one Chromium per test process, shared by every ``browser`` fixture.

    Other test folders may import these fixtures; pytest then holds a second copy of the
    session fixture, and a second sync Playwright in the same thread would fail.
    """

    def __init__(self) -> None:
        self.users = 0
        self.manager = None
        self.browser: Browser | None = None
        self.previous_async_flag: str | None = None

    def acquire(self) -> Browser:
        if self.users == 0:
            # Playwright's sync API keeps an asyncio loop running in this thread while it
            # is started; Django refuses ORM calls from such a thread unless told it is
            # deliberate. Set only while the browser runs: other tests keep the check.
            self.previous_async_flag = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.manager = sync_playwright()
            playwright = self.manager.__enter__()
            self.browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        self.users += 1
        assert self.browser is not None
        return self.browser

    def release(self) -> None:
        self.users -= 1
        if self.users:
            return
        try:
            if self.browser is not None:
                self.browser.close()
            if self.manager is not None:
                self.manager.__exit__(None, None, None)
        finally:
            self.browser = self.manager = None
            if self.previous_async_flag is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_async_flag


_chromium = _Chromium()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium for the whole test process (one per xdist worker)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (never `playwright install`)")
    yield _chromium.acquire()
    _chromium.release()


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and failed sub-resources seen by one page."""

    errors: list[str] = field(default_factory=list)
    error_documents: set[str] = field(default_factory=set)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        if _FAILED_LOAD.search(message.text) and where in self.error_documents:
            return
        self.errors.append(f"console: {message.text} ({where})")

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(f"uncaught: {error}")

    def on_response(self, response: Response) -> None:
        if response.status < 400:
            return
        if response.request.resource_type == "document":
            self.error_documents.add(response.url)
        else:
            self.errors.append(f"{response.status} for {response.url}")

    def watch(self, page: Page) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)
        page.on("response", self.on_response)


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh browser context (its own cookies) on the live server."""
    contexts = []
    problems = PageProblems()

    def open_page(viewport: dict[str, int] = VIEWPORT) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, accept_downloads=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        context.add_init_script(_REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        problems.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems.errors, "the browser reported problems:\n" + "\n".join(problems.errors)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A 1280×800 page in a fresh context; fails the test on console errors."""
    return new_page()
