"""Shared fixtures: an application on a fresh, migrated and seeded database per test.

The database is SQLite by default; ``PANIERS_TEST_DATABASE_URL`` points the
integration tests at PostgreSQL instead (CI runs both). A test that needs a
service that is not running is skipped with the reason, unless
``PANIERS_REQUIRE_SERVICES=1`` (set by CI), which turns such skips into failures.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REQUIRE_SERVICES = os.environ.get("PANIERS_REQUIRE_SERVICES") == "1"
# Never the developer's instance folder: a task queued by a test must not reach the
# worker of `make run` (its broker folder), nor a test touch its database or key.
os.environ["PANIERS_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="paniers-tests-")


def need_service(name: str, host: str, port: int) -> None:
    """Skip (or fail under CI) when a service does not answer on host:port."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        message = f"{name} is not running on {host}:{port}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (PANIERS_REQUIRE_SERVICES=1)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head and seeded with the demo, copied by each test."""
    from paniers.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "paniers.sqlite"
    url = f"sqlite:///{path}"
    upgrade(url)
    _seed(url)
    return path


@pytest.fixture()
def database_url(template_db: Path, tmp_path: Path) -> Iterator[str]:
    url = os.environ.get("PANIERS_TEST_DATABASE_URL")
    if url:
        yield from _postgres_schema(url)
        return
    path = tmp_path / "paniers.sqlite"
    shutil.copy(template_db, path)
    yield f"sqlite:///{path}"


def _postgres_schema(url: str) -> Iterator[str]:
    """A schema of its own for the test, migrated and seeded, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    from paniers.migrate import upgrade

    need_service("PostgreSQL", "127.0.0.1", 5432)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    scoped = f"{url}{sep}options=-csearch_path%3D{schema}"
    upgrade(scoped)
    _seed(scoped)
    try:
        yield scoped
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _seed(url: str) -> None:
    """Seed the demo through an application whose connections are closed afterwards."""
    from paniers import create_app
    from paniers.demo.seed import seed_demo
    from paniers.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        seed_demo()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def app(database_url: str, tmp_path: Path) -> Iterator[Any]:
    from paniers import create_app
    from paniers.extensions import db

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "SERVER_NAME": "paniers.test",
    })
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class Page:
    """A response as a person reads it: the text with HTML entities decoded."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.status_code = response.status_code
        self.html = response.get_data(as_text=True)
        self.text = html.unescape(self.html)

    def get_data(self, as_text: bool = True) -> str:
        return self.text


class Browser:
    """The Flask test client used as a person would: pages, forms and their CSRF tokens."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = app.test_client()

    def get(self, path: str, **kwargs: Any) -> Any:
        # A fresh application context per request, as in production: the test's own
        # context would otherwise share ``g`` (login, CSRF token) between clients.
        with self.app.app_context():
            return Page(self.client.get(path, **kwargs))

    def csrf(self, path: str) -> str:
        page = self.get(path).html
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, *, form_page: str | None = None,
             follow: bool = True) -> Any:
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf(form_page or path))
        with self.app.app_context():
            return Page(self.client.post(path, data=payload, follow_redirects=follow,
                                         headers={"Referer": form_page or path}))

    def login(self, email: str, password: str = "paniers-demo") -> Any:
        response = self.post("/connexion", {"email": email, "password": password})
        assert response.status_code == 200
        return response


@pytest.fixture()
def browser(app: Any) -> Browser:
    return Browser(app)


@pytest.fixture()
def other_browser(app: Any) -> Browser:
    return Browser(app)
