"""Sessions: logging out ends every copy of the session, a login starts a fresh one, and
the cookie is HTTPS-only and same-site in production."""

from __future__ import annotations

import pytest

from paniers import config
from paniers.accounts import services
from tests.support.accounts import confirmation_link

PROTECTED = "/mes-commandes"


def session_cookie(browser) -> str:
    cookie = browser.client.get_cookie("session", domain="paniers.test")
    assert cookie is not None, "no session cookie"
    return cookie.value


def csrf_secret(browser) -> str:
    with browser.client.session_transaction() as session:
        return str(session["csrf_token"])


def test_a_cookie_copied_before_logout_opens_nothing_after_it(browser):
    browser.login("foyer@paniers.demo")
    copied = session_cookie(browser)
    assert browser.get(PROTECTED).status_code == 200

    browser.post("/deconnexion", form_page="/")
    browser.client.set_cookie("session", copied, domain="paniers.test")

    page = browser.get(PROTECTED)
    assert page.status_code == 302
    assert page.response.headers["Location"].startswith("/connexion")


def test_logging_out_on_one_device_ends_the_sessions_on_the_others(browser, other_browser):
    browser.login("foyer@paniers.demo")
    other_browser.login("foyer@paniers.demo")

    browser.post("/deconnexion", form_page="/")

    assert other_browser.get(PROTECTED).status_code == 302


def test_revoking_sessions_logs_the_person_out_everywhere(browser):
    browser.login("foyer@paniers.demo")
    services.revoke_sessions(services.find_user("foyer@paniers.demo"))

    assert browser.get(PROTECTED).status_code == 302
    browser.login("foyer@paniers.demo")
    assert browser.get(PROTECTED).status_code == 200


def test_the_anonymous_csrf_secret_does_not_survive_login(browser):
    browser.get("/connexion")
    before = csrf_secret(browser)

    browser.login("foyer@paniers.demo")
    browser.get("/")

    assert csrf_secret(browser) != before


def test_the_language_chosen_before_login_is_kept(browser):
    browser.post("/langue/en", form_page="/")

    browser.login("foyer@paniers.demo")
    with browser.client.session_transaction() as session:
        assert session["locale"] == "en"
    page = browser.post("/deconnexion", form_page="/")

    assert "Log in" in page.text


def test_a_household_registering_in_english_is_answered_in_english(browser):
    browser.post("/langue/en", form_page="/")

    page = browser.post("/inscription", {"email": "new@paniers.demo", "name": "New household",
                                         "password": "long-enough", "confirm": "long-enough"})
    assert ("Thank you! A confirmation email has been sent to you: follow its link to "
            "activate your account.") in page.text
    page = browser.get(confirmation_link("new@paniers.demo"), follow_redirects=True)
    assert "Your address is confirmed: you can log in." in page.text

    page = browser.login("new@paniers.demo", "long-enough")
    assert "Log out" in page.text


def test_the_production_cookie_is_https_only_and_same_site(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://paniers@db.example/paniers")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    settings = config.from_environment()
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["PERMANENT_SESSION_LIFETIME"].total_seconds() == 12 * 3600
    assert settings["WTF_CSRF_TIME_LIMIT"] == 2 * 3600


@pytest.mark.parametrize(("database_url", "secure", "expected"), [
    (None, None, False),  # make run: plain HTTP on 127.0.0.1
    ("postgresql+psycopg://paniers@db.example/paniers", "0", False),
    (None, "1", True),
])
def test_the_secure_flag_follows_the_deployment_unless_set(monkeypatch, database_url, secure,
                                                           expected):
    for name, value in (("DATABASE_URL", database_url), ("SESSION_COOKIE_SECURE", secure)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert config.from_environment()["SESSION_COOKIE_SECURE"] is expected


def test_the_login_cookie_carries_its_flags_in_production(app, browser):
    app.config.update(SESSION_COOKIE_SECURE=True)
    page = browser.post("/connexion", {"email": "foyer@paniers.demo",
                                       "password": "paniers-demo"}, follow=False)
    cookie = page.response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
