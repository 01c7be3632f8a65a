"""The pickup evening: hosts checking off at once, closing the evening, the missed-pickup mail."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from paniers.accounts.services import register_household
from paniers.cycles import services as cycles
from paniers.extensions import db
from paniers.notifications.models import Kind, OutboundMessage
from paniers.orders.models import Order, OrderStatus
from paniers.points import services as evenings
from paniers.points.models import EveningOutcome, PickupEvening
from tests.integration.test_roles import place
from tests.integration.week import open_week, user
from tests.support.smtp import mailing_app

HOST = "hote@paniers.demo"


def two_orders_at_loos():
    cycle = open_week()
    register_household("martin@example.org", "Famille Martin", "motdepasse-long")
    first = place("foyer@paniers.demo", cycle.id, "relay-loos")
    second = place("martin@example.org", cycle.id, "relay-loos")
    return cycle, first, second


def status(order_id):
    db.session.expire_all()
    return db.session.get(Order, order_id).status


def test_two_hosts_checking_off_the_same_order_at_once_one_is_told(app, browser, other_browser):
    cycle, order, _ = two_orders_at_loos()
    browser.login(HOST)
    other_browser.login("coordination@paniers.demo")
    path = f"/relais/commandes/{order.id}/remise"
    tokens = [b.csrf("/relais/") for b in (browser, other_browser)]
    barrier, pages = threading.Barrier(2), {}

    def tap(name, client, token):
        barrier.wait()
        pages[name] = client.post(path, {"csrf_token": token}, form_page="/relais/").text

    threads = [threading.Thread(target=tap, args=(n, c, t))
               for n, c, t in (("host", browser, tokens[0]), ("coord", other_browser, tokens[1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    told = [name for name, text in pages.items() if "déjà été remise" in text]
    done = [name for name, text in pages.items() if "Commande de Famille Lefebvre remise" in text]
    assert len(told) == 1 and len(done) == 1, pages.keys()
    db.session.expire_all()
    collected = db.session.get(Order, order.id)
    assert collected.status == OrderStatus.COLLECTED
    assert collected.collected_by_id == user(HOST if done == ["host"]
                                             else "coordination@paniers.demo").id


def test_the_host_closes_the_evening_and_the_baskets_left_are_recorded(browser):
    cycle, collected, missed = two_orders_at_loos()
    browser.login(HOST)
    browser.post(f"/relais/commandes/{collected.id}/remise", form_page="/relais/")
    page = browser.get("/relais/").text
    assert "La soirée se clôt après la livraison" in page  # orders still open

    cycles.close_cycle(cycle.id)
    page = browser.post("/relais/soiree/cloture",
                        {"outcome": "charity", "note": "Restos du cœur, rue Jean-Jaurès"},
                        form_page="/relais/").text
    assert "Soirée close : 1 panier non retiré, les foyers sont prévenus." in page
    assert "1 remise" in page and "0 restante" in page and "1 non retirée" in page
    assert "Paniers donnés à une association partenaire — Restos du cœur" in page
    assert status(missed.id) == OrderStatus.UNCLAIMED
    assert status(collected.id) == OrderStatus.COLLECTED
    evening = db.session.scalar(select(PickupEvening))
    assert (evening.collected, evening.unclaimed, evening.outcome) == (
        1, 1, EveningOutcome.CHARITY)
    notices = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == Kind.MISSED_PICKUP)).all()
    assert [n.order_id for n in notices] == [missed.id]

    again = browser.post("/relais/soiree/cloture", {"outcome": "kept"}, form_page="/relais/")
    assert "déjà close" in again.text
    assert db.session.scalar(select(PickupEvening.outcome)) == EveningOutcome.CHARITY


def test_a_host_closes_only_the_evening_of_their_own_point(browser):
    cycle = open_week()
    register_household("lens@example.org", "Famille Lens", "motdepasse-long")
    elsewhere = place("lens@example.org", cycle.id, "relay-lens")
    cycles.close_cycle(cycle.id)
    browser.login(HOST)
    refused = browser.post(f"/relais/soiree/cloture?point={elsewhere.point_id}",
                           {"outcome": "kept"}, form_page="/relais/")
    assert "Vous ne voyez que les commandes de votre point relais" in refused.text
    assert status(elsewhere.id) == OrderStatus.PLACED


def test_the_printable_list_has_a_box_per_order(browser):
    two_orders_at_loos()
    browser.login(HOST)
    page = browser.get("/relais/liste-imprimable").text
    assert page.count("☐") >= 2 and "Famille Lefebvre" in page and "Famille Martin" in page
    assert "@media print" in page


def test_the_household_that_missed_its_pickup_gets_a_mail(database_url, tmp_path):
    with mailing_app(database_url, tmp_path) as (app, inbox):
        cycle, collected, missed = two_orders_at_loos()
        evenings.check_off(user(HOST), collected.id)
        cycles.close_cycle(cycle.id)
        evenings.close_evening(user(HOST), cycle.id, EveningOutcome.KEPT, "Au frigo du hall")
        mail = inbox.wait_for("martin@example.org", "Commande non retirée")[-1]
        assert f"n° {missed.id}" in mail.subject
        assert "gardée au point jusqu'au lendemain" in mail.text
        assert "Au frigo du hall" in mail.html
        assert inbox.to("foyer@paniers.demo", "Commande non retirée") == []


@pytest.mark.parametrize("outcome", ["", "lost"])
def test_an_evening_needs_an_outcome(browser, outcome):
    cycle, _, missed = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    browser.login(HOST)
    browser.post("/relais/soiree/cloture", {"outcome": outcome}, form_page="/relais/")
    assert status(missed.id) == OrderStatus.PLACED
    assert db.session.scalar(select(PickupEvening.id)) is None


def test_the_host_keeps_this_weeks_evening_when_next_weeks_cycle_opens(app, browser):
    from datetime import date, timedelta

    from paniers.cycles import services as cycles
    from paniers.orders import services as orders
    from tests.integration.week import open_week, product, user

    this_week = open_week(delivery=date.today() + timedelta(days=3))
    household = user("foyer@paniers.demo")
    orders.place_order(household, this_week.id, household.point_id,
                       orders.Cart({}, {product("Oeufs").id: 1}))
    cycles.close_cycle(this_week.id)
    open_week(delivery=date.today() + timedelta(days=10), supply={"Pomme de terre": 1000})

    browser.login("hote@paniers.demo")
    page = browser.get("/relais/").text
    assert "Famille Lefebvre" in page  # this week's pickups, not next week's empty list
