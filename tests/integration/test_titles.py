"""Each page names itself in the browser's tab and history, before the site's name."""

from __future__ import annotations

import re

import pytest

from tests.integration.week import open_week

PAGES = {
    "foyer@paniers.demo": ["/catalogue", "/mes-commandes", "/compte/"],
    "producteur@paniers.demo": ["/producteur/offre", "/producteur/semaine"],
    "hote@paniers.demo": ["/relais/"],
    "coordination@paniers.demo": ["/coordination/cycles", "/coordination/paiements",
                                  "/coordination/flotte/", "/coordination/journal/",
                                  "/coordination/factures/",
                                  "/coordination/cycles/1/feuille-de-chou"],
    "cantine@paniers.demo": ["/cantine/factures", "/mes-commandes"],
}


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, "a page without a title"
    return found.group(1).strip()


@pytest.mark.parametrize("email", list(PAGES))
def test_every_page_has_its_own_title(browser, email):
    open_week()
    browser.login(email)
    titles = {}
    for path in PAGES[email]:
        page = browser.get(path)
        assert page.status_code == 200, path
        titles[path] = title_of(page.text)
    for path, title in titles.items():
        assert title.endswith(" · Paniers du Lensois"), (path, title)
        assert title != "Paniers du Lensois", path
    assert len(set(titles.values())) == len(titles), titles


def test_the_home_page_and_the_login_page_are_told_apart(browser):
    assert title_of(browser.get("/").text) == "Paniers du Lensois"
    assert title_of(browser.get("/connexion").text) == "Se connecter · Paniers du Lensois"
