"""Every response says what the browser may run, frame and send on; pages behind login
are never kept in a cache."""

from __future__ import annotations

import re
from pathlib import Path

from paniers.headers import content_security_policy


def directives(page) -> dict[str, str]:
    policy = page.response.headers["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


def assert_protected(page) -> None:
    csp = directives(page)
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in page.response.headers["Content-Security-Policy"]
    assert page.response.headers["X-Content-Type-Options"] == "nosniff"
    assert page.response.headers["Referrer-Policy"] == "same-origin"


def test_a_public_page_carries_the_headers_and_may_be_cached(browser):
    page = browser.get("/connexion")

    assert_protected(page)
    assert "no-store" not in page.response.headers.get("Cache-Control", "")


def test_a_page_behind_login_carries_the_headers_and_is_never_stored(browser):
    browser.login("foyer@paniers.demo")

    page = browser.get("/mes-commandes")

    assert page.status_code == 200
    assert_protected(page)
    assert page.response.headers["Cache-Control"] == "no-store"


def test_an_error_page_carries_the_headers(browser):
    page = browser.get("/no-such-page")

    assert page.status_code == 404
    assert_protected(page)


def test_static_files_stay_cacheable_for_a_logged_in_person(browser):
    browser.login("foyer@paniers.demo")

    page = browser.get("/static/paniers.css")
    page.response.close()

    assert page.status_code == 200
    assert "no-store" not in page.response.headers.get("Cache-Control", "")


def test_map_tiles_are_allowed_from_the_configured_tile_host_only(app, browser):
    app.config["MAP_TILE_URL"] = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"

    page = browser.get("/connexion")

    assert directives(page)["img-src"] == "'self' data: https://*.tiles.example.org"


def test_without_a_tile_server_images_come_from_the_site_alone():
    policy = content_security_policy("")

    assert "img-src 'self' data:;" in policy


def test_no_page_has_inline_script_or_event_handler_attributes():
    templates = Path(__file__).resolve().parents[2] / "templates"
    inline = re.compile(r'<script(?![^>]*\b(src|type="application/json"))[^>]*>|\son[a-z]+=|<style')
    offenders = [str(path.relative_to(templates)) for path in templates.rglob("*.html")
                 if "notifications" not in path.parts and inline.search(path.read_text())]
    assert offenders == []
