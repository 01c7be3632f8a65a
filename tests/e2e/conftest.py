"""Browser fixtures: Debian's Chromium driven by Playwright, against the real app.

The application runs in a background thread on a free port of 127.0.0.1, on the
test database of ``database_url`` (migrated and seeded with the demo). Chromium is
the system one (``/usr/bin/chromium``); Playwright's own browsers are never
downloaded. Without it the browser tests are skipped, or fail when
``PANIERS_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def need_executable(name: str, path: Path) -> None:
    """Skip (or fail under CI) when a program the test drives is not installed."""
    if not (path.is_file() and os.access(path, os.X_OK)):
        message = f"{name} is not installed at {path}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (PANIERS_REQUIRE_SERVICES=1)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the session."""
    need_executable("Chromium", CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def phone(chromium: Any) -> Iterator[Any]:
    """A page in a fresh phone-sized, French-speaking browser context."""
    context = chromium.new_context(locale="fr-FR", **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture()
def e2e_app(database_url: str) -> Iterator[Any]:
    """The application the server runs, created once; no app context left pushed."""
    from paniers import create_app
    from paniers.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def live_server() -> Iterator[Callable[[Any], str]]:
    """Start an app on a free port in a thread; returns its base URL. Stopped after the test."""
    from werkzeug.serving import make_server

    running: list[tuple[Any, threading.Thread]] = []

    def start(app: Any) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def csp_violations(page: Any) -> list[str]:
    """The Content-Security-Policy refusals Chromium reports on this page from now on."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


@pytest.fixture()
def artifacts() -> Path:
    """Where screenshots go (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
