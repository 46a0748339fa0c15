"""Shared bits for the real-browser tests: Debian's Chromium, launch flags, screenshots.

Import `BROWSER_MARKS` as `pytestmark` and use `launch_chromium()` inside a fixture; `log_in`
fills the real login form, `shoot` saves one desktop and one phone screenshot of the page and
`orm(lambda: ...)` reads the database between clicks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

T = TypeVar("T")

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)",
    ),
]


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Headless Chromium through Playwright's sync API (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def orm(read: Callable[[], T]) -> T:
    """Run a database read while the browser is open.

    Playwright's sync API keeps an event loop running in the test's thread, where Django refuses
    ORM calls (and, forced, opens a connection it never closes). A short-lived thread has no loop;
    its connection is closed before the answer comes back.
    """
    from django.db import connections

    def run() -> T:
        try:
            return read()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    """Log in through the login form and land on the home page."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_url(f"{base_url}/")


def shoot(page: Any, name: str) -> None:
    """Screenshots at desktop 1280×800 and phone 390×844 (same page, same state).

    On the phone width the page must not scroll sideways: wide tables scroll in their own box.
    """
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    assert width <= PHONE["width"], f"{name}: the page scrolls sideways on a phone ({width}px)"
