"""A relay host runs the pickup evening from a phone, in a real browser against the real app."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import csp_violations
from tests.e2e.test_household_orders import PASSWORD, assert_fits_the_phone

HOST = "hote@paniers.demo"


@pytest.fixture()
def evening(e2e_app: Any, live_server: Callable[[Any], str]) -> str:
    """Two households ordered at the Loos relay point; the cycle is closed."""
    from paniers.cycles import services as cycles
    from paniers.extensions import db
    from paniers.orders import services as orders
    from tests.integration.week import delivered_today, open_week, pickup_window_open, product, user
    from tests.support.accounts import register_confirmed

    with e2e_app.app_context():
        cycle = open_week()
        neighbour = register_confirmed("martin@example.org", "Famille Martin", "motdepasse-long")
        point_id = user(HOST).point_id
        for household in (user("foyer@paniers.demo"), neighbour):
            orders.place_order(household, cycle.id, point_id,
                               orders.Cart({cycle.formats[0].id: 1},
                                           {product("Œufs").id: 1}))
        cycles.close_cycle(cycle.id)
        delivered_today(cycle)  # the delivery day, pickup window begun
        pickup_window_open()
        db.session.remove()
    return live_server(e2e_app)


@pytest.mark.browser
def test_the_host_checks_pickups_off_from_a_phone(evening: str, phone: Any,
                                                  artifacts: Path) -> None:
    page = phone
    refused = csp_violations(page)
    page.goto(evening + "/connexion")
    page.get_by_label("Adresse e-mail").fill(HOST)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.get_by_role("navigation").get_by_role("link", name="Retraits de mon point").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Maison des associations")
    expect(page.locator(".counts")).to_contain_text("0 remise")
    expect(page.locator(".counts")).to_contain_text("2 restantes")
    assert_fits_the_phone(page)

    page.get_by_placeholder("Chercher un nom").fill("mart")
    page.get_by_placeholder("Chercher un nom").press("Enter")
    cards = page.locator("ul.pickups > li.card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Famille Martin")
    expect(cards.first).to_contain_text("1 douzaine Œufs")
    cards.first.get_by_role("button", name="Remise ✓").click()

    expect(page.get_by_role("status").first).to_have_text(
        re.compile("Commande de Famille Martin remise"))
    expect(page.locator(".counts")).to_contain_text("1 remise")
    expect(page.locator(".counts")).to_contain_text("1 restante")
    assert_fits_the_phone(page)
    page.screenshot(path=str(artifacts / "host-evening.png"), full_page=True)

    # The wrong name was tapped: undo, then close the evening through its confirmation.
    page.get_by_role("button", name="Annuler la remise").click()
    expect(page.get_by_role("status").first).to_contain_text("Remise annulée")
    expect(page.locator(".counts")).to_contain_text("2 restantes")
    page.get_by_label("Les paniers non retirés").select_option("kept")
    page.get_by_role("button", name="Clore la soirée (2 restantes)").click()
    expect(page.locator(".evening-close")).to_contain_text(
        "2 commandes seront notées non retirées et leurs foyers prévenus par e-mail.")
    assert_fits_the_phone(page)
    page.get_by_role("button", name="Oui, clore la soirée").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Soirée close : 2 paniers non retirés")
    assert refused == []


@pytest.mark.browser
def test_the_host_prints_the_pickup_list(evening: str, phone: Any) -> None:
    page = phone
    refused = csp_violations(page)
    page.add_init_script("window.print = function () { window.printed = true; };")
    page.goto(evening + "/connexion")
    page.get_by_label("Adresse e-mail").fill(HOST)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.goto(evening + "/relais/liste-imprimable")

    page.get_by_role("button", name="Imprimer").click()

    expect(page.locator("table.pickup-list")).to_contain_text("Famille Martin")
    assert page.evaluate("window.printed") is True
    assert refused == []
