"""Redirects whose target comes from the request (``next``, the ``Referer``) never leave
the site: a hostile value ends on a page of this site."""

from __future__ import annotations

from urllib.parse import quote

import pytest

HOSTILE_NEXT = ["//evil.example", "/\t/evil.example", "/\r\n//evil.example", "/\\evil.example",
                "\\\\evil.example", "https://evil.example", "https:evil.example",
                "javascript:alert(1)", " //evil.example", "evil.example"]
HOSTILE_REFERERS = ["https://evil.example/catalogue", "//evil.example/", "/\\evil.example",
                    "http://paniers.test.evil.example/", "http://evil.example@paniers.test/",
                    "javascript:alert(1)", "https:evil.example", "/\t/evil.example"]


def login_then(browser, next_value):
    path = "/connexion?next=" + quote(next_value, safe="")
    page = browser.post(path, {"email": "foyer@paniers.demo", "password": "paniers-demo"},
                        follow=False)
    return page.response.headers["Location"]


def post_from(browser, path, referer):
    token = browser.csrf("/connexion")
    with browser.app.app_context():
        return browser.client.post(path, data={"csrf_token": token},
                                   headers={"Referer": referer})


def test_the_audit_example_stays_on_the_site(browser):
    page = browser.post("/connexion?next=/%09/evil.example",
                        {"email": "foyer@paniers.demo", "password": "paniers-demo"},
                        follow=False)
    assert page.status_code == 302
    assert page.response.headers["Location"] == "/"


@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_a_hostile_next_after_login_ends_on_the_home_page(browser, next_value):
    assert login_then(browser, next_value) == "/"


@pytest.mark.parametrize("next_value", ["/mes-commandes", "/catalogue?semaine=2"])
def test_a_next_of_this_site_is_followed(browser, next_value):
    assert login_then(browser, next_value) == next_value


@pytest.mark.parametrize("referer", HOSTILE_REFERERS)
def test_the_language_switch_ignores_a_hostile_referer(browser, referer):
    reply = post_from(browser, "/langue/en", referer)
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/"


@pytest.mark.parametrize(("referer", "back"), [
    ("http://paniers.test/catalogue?semaine=2", "/catalogue?semaine=2"),
    ("/mes-commandes", "/mes-commandes"),
])
def test_the_language_switch_goes_back_to_the_page_of_this_site(browser, referer, back):
    assert post_from(browser, "/langue/en", referer).headers["Location"] == back


@pytest.mark.parametrize("referer", HOSTILE_REFERERS)
def test_a_refused_post_with_a_hostile_referer_shows_the_error_page(browser, referer):
    browser.login("foyer@paniers.demo")
    reply = post_from(browser, "/mes-commandes/999999/annuler", referer)
    assert reply.status_code in (400, 403, 404)
    assert "Location" not in reply.headers
    assert "Oups" in reply.get_data(as_text=True)


def test_a_refused_post_goes_back_to_its_page_of_this_site(browser):
    browser.login("foyer@paniers.demo")
    reply = post_from(browser, "/mes-commandes/999999/annuler", "http://paniers.test/mes-commandes")
    assert reply.headers["Location"] == "/mes-commandes"


@pytest.mark.parametrize("referer", HOSTILE_REFERERS)
def test_the_host_s_payment_form_ignores_a_hostile_referer(browser, referer):
    browser.login("hote@paniers.demo")
    reply = post_from(browser, "/paiement/retrait/999999", referer)  # no means: refused
    assert reply.headers["Location"] == "/relais/"


def test_the_host_s_payment_form_goes_back_to_its_page(browser):
    browser.login("hote@paniers.demo")
    reply = post_from(browser, "/paiement/retrait/999999", "http://paniers.test/relais/?q=lef")
    assert reply.headers["Location"] == "/relais/?q=lef"
