"""Two weeks as people live them, on phones, in a real browser against one instance: two
households order for a delivery, the relay host hands the baskets out on the day; five
days later, the next delivery, the same again. Every page opens on the right delivery.

The calendar is moved by setting the deliveries' dates (the day that has come is today).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, csp_violations
from tests.e2e.test_household_orders import PASSWORD, assert_fits_the_phone

HOST = "hote@paniers.demo"
HOUSEHOLDS = {"foyer@paniers.demo": ("Famille Lefebvre", PASSWORD),
              "martin@example.org": ("Famille Martin", "motdepasse-long")}
ENGLISH = re.compile(r"\b(the|basket|order|week|delivery|searching|reading)\b", re.I)


class Instance:
    """The served app, and the calendar moved through its services."""

    def __init__(self, app: Any, url: str) -> None:
        self.app, self.url = app, url

    def do(self, work: Callable[[], Any]) -> Any:
        from paniers.extensions import db

        with self.app.app_context():
            try:
                return work()
            finally:
                db.session.remove()


@pytest.fixture()
def instance(e2e_app: Any, live_server: Callable[[Any], str]) -> Instance:
    from tests.integration.week import pickup_window_open
    from tests.support.accounts import register_confirmed

    served = Instance(e2e_app, live_server(e2e_app))
    served.do(lambda: register_confirmed("martin@example.org", "Famille Martin",
                                         "motdepasse-long"))
    served.do(pickup_window_open)  # the host may hand out at any hour the test runs
    return served


@pytest.fixture()
def phones(chromium: Any) -> Iterator[Callable[[], Any]]:
    """New phone-sized French pages, each in its own browser (one per person)."""
    contexts: list[Any] = []

    def new_phone() -> Any:
        context = chromium.new_context(locale="fr-FR", **PHONE)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield new_phone
    for context in contexts:
        context.close()


def open_delivery(delivery: date) -> int:
    from tests.integration.week import open_week

    return open_week(delivery=delivery).id


def set_delivery(cycle_id: int, delivery: date) -> None:
    from paniers.cycles.models import OrderCycle
    from paniers.extensions import db

    cycle = db.session.get(OrderCycle, cycle_id)
    cycle.delivery_date = delivery
    db.session.commit()


def close(cycle_id: int) -> None:
    from paniers.cycles import services as cycles

    cycles.close_cycle(cycle_id)


def host_point() -> int:
    from tests.integration.week import user

    return user(HOST).point_id


def log_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(url + "/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(1)


def order_a_basket(page: Any, point_id: int, basket: str, *, first_time: bool) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Commander").click()
    card = page.locator(".card").filter(has=page.get_by_role("heading", name=basket,
                                                             exact=True))
    card.get_by_label("Nombre").fill("1")
    where = page.get_by_label("Point de retrait")
    if first_time:
        where.select_option(str(point_id))
    else:
        expect(where).to_have_value(str(point_id))  # remembered from the first order
    assert_fits_the_phone(page)
    page.get_by_role("main").get_by_role("button", name="Commander", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre commande")
    page.get_by_role("button", name="Confirmer la commande").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"Commande n° \d+ enregistrée"))


def hand_out(page: Any, url: str, delivery_id: int, other_id: int) -> None:
    """The host's evening: the day's delivery shown, the other one offered, two check-offs."""
    page.goto(url + "/relais/")
    expect(page.locator("#cycle")).to_have_value(str(delivery_id))
    expect(page.locator(f'#cycle option[value="{other_id}"]')).to_have_count(1)
    expect(page.locator(".counts")).to_contain_text("2 restantes")
    assert_fits_the_phone(page)
    for name, _password in HOUSEHOLDS.values():
        card = page.locator("ul.pickups > li.card").filter(has_text=name)
        card.get_by_role("button", name="Remise ✓").click()
        expect(page.get_by_role("status").first).to_contain_text(
            f"Commande de {name} remise")
    expect(page.locator(".counts")).to_contain_text("2 remises")
    expect(page.locator(".counts")).to_contain_text("0 restante")
    assert not ENGLISH.search(page.get_by_role("main").inner_text())


@pytest.mark.browser
def test_two_deliveries_five_days_apart_from_order_to_pickup(instance: Instance,
                                                             phones: Callable[[], Any]) -> None:
    today, url = date.today(), instance.url
    point_id = instance.do(host_point)
    people = {email: phones() for email in [*HOUSEHOLDS, HOST]}
    refused = [csp_violations(page) for page in people.values()]
    for email, page in people.items():
        log_in(page, url, email, HOUSEHOLDS.get(email, ("", PASSWORD))[1])

    # Week one: both households order for Friday's delivery (the new one picks its point).
    first = instance.do(lambda: open_delivery(today + timedelta(days=4)))
    for (email, (_name, _pw)), basket in zip(HOUSEHOLDS.items(), ["Panier moyen",
                                                                  "Petit panier"],
                                              strict=True):
        order_a_basket(people[email], point_id, basket, first_time=True)
    instance.do(lambda: close(first))
    second = instance.do(lambda: open_delivery(today + timedelta(days=9)))
    # The delivery day comes; the next delivery, five days later, is open already.
    instance.do(lambda: set_delivery(first, today))
    instance.do(lambda: set_delivery(second, today + timedelta(days=5)))
    hand_out(people[HOST], url, first, second)

    # Week two: they order again, at the point they chose, for the delivery five days on.
    for email in HOUSEHOLDS:
        order_a_basket(people[email], point_id, "Petit panier", first_time=False)
    instance.do(lambda: close(second))
    instance.do(lambda: set_delivery(first, today - timedelta(days=5)))
    instance.do(lambda: set_delivery(second, today))
    hand_out(people[HOST], url, second, first)

    mine = people["foyer@paniers.demo"]
    mine.get_by_role("navigation").get_by_role("link", name="Mes commandes").click()
    cards = mine.locator("section.card").filter(has_text="Loos")
    expect(cards.filter(has_text="Petit panier")).to_have_count(1)
    expect(cards.filter(has_text="Panier moyen")).to_have_count(1)
    assert all(found == [] for found in refused)
