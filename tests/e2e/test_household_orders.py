"""A household orders a basket from a phone, in a real browser against the real app."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.week import open_week

HOUSEHOLD = "foyer@paniers.demo"
PASSWORD = "paniers-demo"
POINT = "Liévin — Médiathèque"


@pytest.fixture()
def open_shop(e2e_app: Any, live_server: Callable[[Any], str]) -> str:
    """The week opened through the services, then the app served; its base URL."""
    from paniers.extensions import db

    with e2e_app.app_context():
        open_week()
        db.session.remove()
    return live_server(e2e_app)


def assert_fits_the_phone(page: Any) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    widths = page.evaluate(
        "() => ({page: document.scrollingElement.scrollWidth, screen: window.innerWidth})")
    assert widths["page"] <= widths["screen"] + 1, (
        f"{page.url} overflows sideways: {widths['page']}px wide on a "
        f"{widths['screen']}px screen")


@pytest.mark.browser
def test_household_orders_a_medium_basket_from_a_phone(open_shop: str, phone: Any,
                                                       artifacts: Path) -> None:
    page = phone
    page.goto(open_shop + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Des paniers de saison, des fermes du Lensois")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_fits_the_phone(page)

    page.get_by_role("navigation").get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill(HOUSEHOLD)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Bonjour Famille Lefebvre.")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Commander").click()
    expect(page.get_by_role("heading", name="Paniers de la semaine")).to_be_visible()
    medium = page.locator(".card").filter(
        has=page.get_by_role("heading", name="Panier moyen", exact=True))
    medium.get_by_label("Nombre").fill("1")
    page.get_by_label("Point de retrait").select_option(label=f"{POINT} (16:30–19:00)")
    assert_fits_the_phone(page)
    page.screenshot(path=str(artifacts / "household-catalogue.png"), full_page=True)
    page.get_by_role("main").get_by_role("button", name="Commander", exact=True).click()

    # The summary: what the order holds and its total, before confirming.
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre commande")
    expect(page.locator("tfoot")).to_contain_text("18,00")
    expect(page.get_by_role("main")).to_contain_text(POINT.split(" — ")[-1])
    assert_fits_the_phone(page)
    page.get_by_role("button", name="Confirmer la commande").click()

    expect(page).to_have_url(re.compile(r"/mes-commandes$"))
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"Commande n° \d+ enregistrée"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes commandes")
    order = page.locator("section.card").filter(has_text="Panier moyen")
    expect(order).to_have_count(1)
    expect(order).to_contain_text("1 × Panier moyen")
    expect(order).to_contain_text(POINT)
    expect(order).to_contain_text("à retirer")
    assert_fits_the_phone(page)

    page.screenshot(path=str(artifacts / "household-order.png"), full_page=True)

    # The household reads English: the switch in the header, kept on its account.
    page.get_by_role("banner").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My orders")
    expect(page.locator("section.card").filter(has_text="Medium basket")).to_contain_text(
        "1 × Medium basket")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("My orders")
