"""Open pages in a real headless Chromium (Debian's, driven by Playwright) and report what went
wrong: uncaught script errors, console errors and failed requests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Chromium flags for a machine with no network and no display (background services would try,
# and fail, to reach the internet).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> str:
    """The Chromium executable: $CHROMIUM, or chromium on the PATH.

    Missing, the test is skipped, unless SEGMENTS_REQUIRE_BROWSER is set (CI sets it, after
    `make test` installed Debian's chromium), where it fails.
    """
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if path:
        return path
    message = "Chromium not found: install Debian's chromium package or set CHROMIUM"
    if os.environ.get("SEGMENTS_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def render(url: str, wait_for: str, screenshot: Path, ignore: tuple[str, ...] = ()) -> list[str]:
    """Load `url`, wait until the text `wait_for` shows, save a full-page screenshot, and return
    the page's errors (those whose text contains one of `ignore` left out)."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
            page.on(
                "console",
                lambda message: (
                    errors.append(f"console: {message.text}") if message.type == "error" else None
                ),
            )
            page.on("requestfailed", lambda request: errors.append(f"request: {request.url}"))
            page.goto(url)
            page.get_by_text(wait_for).first.wait_for(timeout=30_000)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return [e for e in errors if not any(pattern in e for pattern in ignore)]
