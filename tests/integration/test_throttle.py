"""Login and registration are throttled per account and per client address (429 beyond),
on POSTs only, with counts shared by every web process through Redis."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy import func, select

from paniers import create_app
from paniers.accounts.models import User
from paniers.extensions import db, limiter
from tests.conftest import Browser
from tests.support.services import REDIS_URL, need_redis

ROOT = Path(__file__).resolve().parents[2]
TOO_MANY = "Trop de tentatives en peu de temps"
HOUSEHOLD = "foyer@paniers.demo"
RIGHT = "paniers-demo"


def from_address(browser: Browser, address: str) -> Browser:
    browser.client.environ_base["REMOTE_ADDR"] = address
    return browser


def log_in(browser: Browser, email: str, password: str) -> int:
    return browser.post("/connexion", {"email": email, "password": password},
                        follow=False).status_code


def test_the_sixth_wrong_password_for_an_account_is_refused_and_so_is_the_right_one(browser):
    assert [log_in(browser, HOUSEHOLD, "wrong-guess") for _ in range(5)] == [200] * 5
    page = browser.post("/connexion", {"email": HOUSEHOLD, "password": "wrong-guess"})
    assert page.status_code == 429
    assert TOO_MANY in page.text
    assert log_in(browser, HOUSEHOLD, RIGHT) == 429
    assert log_in(browser, " Foyer@Paniers.demo ", RIGHT) == 429  # the account, as typed
    limiter.reset()  # the window has passed
    assert log_in(browser, HOUSEHOLD, RIGHT) == 302


def test_another_account_from_another_address_is_not_affected(browser, other_browser):
    for _ in range(6):
        log_in(browser, HOUSEHOLD, "wrong-guess")
    assert log_in(browser, HOUSEHOLD, RIGHT) == 429
    neighbour = from_address(other_browser, "203.0.113.9")
    assert log_in(neighbour, "producteur@paniers.demo", RIGHT) == 302


def test_one_address_trying_many_accounts_is_refused_after_ten(browser, other_browser):
    statuses = [log_in(browser, f"guess{n}@example.org", "wrong-guess") for n in range(11)]
    assert statuses == [200] * 10 + [429]
    assert log_in(browser, HOUSEHOLD, RIGHT) == 429
    assert log_in(from_address(other_browser, "203.0.113.9"), HOUSEHOLD, RIGHT) == 302


def test_the_login_page_itself_is_never_throttled(browser):
    for _ in range(6):
        log_in(browser, HOUSEHOLD, "wrong-guess")
    assert all(browser.get("/connexion").status_code == 200 for _ in range(20))


def test_registration_is_throttled_per_address(browser, app):
    def register(n: int) -> int:
        return browser.post("/inscription", {
            "name": "Foyer", "email": f"nouveau{n}@example.org",
            "password": "assez-long-1", "confirm": "assez-long-1"}, follow=False).status_code

    assert [register(n) for n in range(6)] == [302] * 5 + [429]
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email.like("nouveau%"))) == 5


def test_the_limits_come_from_the_configuration(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "THROTTLE_LOGIN_PER_ACCOUNT": "2/minute"})
    try:
        browser = Browser(app)
        assert [log_in(browser, HOUSEHOLD, "wrong-guess") for _ in range(3)] == [200, 200, 429]
    finally:
        with app.app_context():
            db.engine.dispose()


def _web_process(database_url: str, storage: str, address: str) -> Browser:
    """An application as a web process builds it. The limiter is one object for the
    process, and each ``create_app`` binds it to a new storage client: counts the previous
    application kept in its client are lost, only the storage itself carries them."""
    browser = Browser(create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                                  "RATELIMIT_STORAGE_URI": storage,
                                  "RATELIMIT_STORAGE_OPTIONS": {}}))
    return from_address(browser, address)


def _dispose(*browsers: Browser) -> None:
    for browser in browsers:
        with browser.app.app_context():
            db.engine.dispose()


def _sixth_try_in_another_process(database_url: str, storage: str) -> int:
    address, email = f"198.51.100.{uuid.uuid4().int % 250}", f"{uuid.uuid4().hex}@example.org"
    first = _web_process(database_url, storage, address)
    second = None
    try:
        assert [log_in(first, email, "wrong-guess") for _ in range(5)] == [200] * 5
        second = _web_process(database_url, storage, address)
        return log_in(second, email, "wrong-guess")
    finally:
        _dispose(*(b for b in (first, second) if b is not None))


def test_the_limit_holds_across_two_web_processes_sharing_redis(database_url):
    need_redis()
    assert _sixth_try_in_another_process(database_url, REDIS_URL) == 429


def test_counts_in_memory_are_not_shared_between_processes(database_url):
    """The control of the test above: without a shared storage, the limit would not hold."""
    assert _sixth_try_in_another_process(database_url, "memory://") == 200


_FIVE_WRONG_PASSWORDS = """
import sys
from paniers import create_app
from paniers.extensions import db
from tests.conftest import Browser

database_url, storage, address, email = sys.argv[1:5]
app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                  "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_STORAGE_OPTIONS": {}})
browser = Browser(app)
browser.client.environ_base["REMOTE_ADDR"] = address
codes = [browser.post("/connexion", {"email": email, "password": "wrong-guess"},
                      follow=False).status_code for _ in range(5)]
with app.app_context():
    db.engine.dispose()
print(" ".join(map(str, codes)))
"""


def test_the_limit_holds_between_two_real_processes_on_redis(database_url):
    """Five wrong passwords in one operating-system process, the sixth in this one."""
    need_redis()
    address, email = f"192.0.2.{uuid.uuid4().int % 250}", f"{uuid.uuid4().hex}@example.org"
    other = subprocess.run(
        [sys.executable, "-c", _FIVE_WRONG_PASSWORDS, database_url, REDIS_URL, address, email],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert other.stdout.split() == ["200"] * 5
    here = _web_process(database_url, REDIS_URL, address)
    try:
        assert log_in(here, email, "wrong-guess") == 429
    finally:
        _dispose(here)
