"""The pickup evening: hosts checking off at once, closing the evening, the missed-pickup mail."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from paniers.cycles import services as cycles
from paniers.cycles.states import PARIS
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.notifications.models import Kind, OutboundMessage
from paniers.orders.models import Order, OrderStatus
from paniers.points import services as evenings
from paniers.points.models import EveningOutcome, PickupEvening
from tests.integration.test_roles import place
from tests.integration.week import delivered_today, open_week, pickup_window_open, user
from tests.support.accounts import register_confirmed
from tests.support.smtp import mailing_app

HOST = "hote@paniers.demo"


def two_orders_at_loos():
    cycle = open_week()
    register_confirmed("martin@example.org", "Famille Martin", "motdepasse-long")
    first = place("foyer@paniers.demo", cycle.id, "relay-loos")
    second = place("martin@example.org", cycle.id, "relay-loos")
    return cycle, first, second


def evening_of_delivery(cycle):
    """20:00 in Paris on the delivery day, after the pickup window."""
    return datetime.combine(cycle.delivery_date, time(20, 0), PARIS)


def status(order_id):
    db.session.expire_all()
    return db.session.get(Order, order_id).status


def test_two_hosts_checking_off_the_same_order_at_once_one_is_told(app, browser, other_browser):
    cycle, order, _ = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    delivered_today(cycle)
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
    page = browser.get("/relais/").text
    assert "La soirée se clôt après la livraison" in page  # orders still open

    cycles.close_cycle(cycle.id)
    delivered_today(cycle)
    pickup_window_open()
    browser.post(f"/relais/commandes/{collected.id}/remise", form_page="/relais/")
    asked = browser.post("/relais/soiree/cloture",
                         {"outcome": "charity", "note": "Restos du cœur, rue Jean-Jaurès"},
                         form_page="/relais/").text
    assert "Clore la soirée ?" in asked
    assert "1 commande sera notée non retirée et son foyer prévenu par e-mail." in asked
    assert status(missed.id) == OrderStatus.PLACED  # nothing done before the confirmation
    page = browser.post("/relais/soiree/cloture",
                        {"outcome": "charity", "note": "Restos du cœur, rue Jean-Jaurès",
                         "confirmed": "1"}, form_page="/relais/").text
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

    again = browser.post("/relais/soiree/cloture", {"outcome": "kept", "confirmed": "1"},
                         form_page="/relais/")
    assert "déjà close" in again.text
    assert db.session.scalar(select(PickupEvening.outcome)) == EveningOutcome.CHARITY


def test_a_host_closes_only_the_evening_of_their_own_point(browser):
    cycle = open_week()
    register_confirmed("lens@example.org", "Famille Lens", "motdepasse-long")
    elsewhere = place("lens@example.org", cycle.id, "relay-lens")
    cycles.close_cycle(cycle.id)
    browser.login(HOST)
    refused = browser.post(f"/relais/soiree/cloture?point={elsewhere.point_id}",
                           {"outcome": "kept", "confirmed": "1"}, form_page="/relais/")
    assert "Vous ne voyez que les commandes de votre point relais" in refused.text
    assert status(elsewhere.id) == OrderStatus.PLACED


def test_the_printable_list_has_a_box_per_order(browser):
    two_orders_at_loos()
    browser.login(HOST)
    page = browser.get("/relais/liste-imprimable").text
    assert page.count("☐") >= 2 and "Famille Lefebvre" in page and "Famille Martin" in page
    assert 'class="print-list"' in page  # the print layout of paniers.css (no inline style)
    stylesheet = browser.get("/static/paniers.css")
    stylesheet.response.close()
    assert "@media print" in stylesheet.text and ".pickup-list" in stylesheet.text


def test_the_household_that_missed_its_pickup_gets_a_mail(database_url, tmp_path):
    with mailing_app(database_url, tmp_path) as (app, inbox):
        cycle, collected, missed = two_orders_at_loos()
        cycles.close_cycle(cycle.id)
        evenings.check_off(user(HOST), collected.id, now=evening_of_delivery(cycle))
        evenings.close_evening(user(HOST), cycle.id, EveningOutcome.KEPT, "Au frigo du hall",
                               now=evening_of_delivery(cycle))
        mail = inbox.wait_for("martin@example.org", "Commande non retirée")[-1]
        assert f"n° {missed.id}" in mail.subject
        assert "gardée au point jusqu'au lendemain" in mail.text
        assert "Au frigo du hall" in mail.html
        assert inbox.to("foyer@paniers.demo", "Commande non retirée") == []


@pytest.mark.parametrize("outcome", ["", "lost"])
def test_an_evening_needs_an_outcome(browser, outcome):
    cycle, _, missed = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    delivered_today(cycle)
    browser.login(HOST)
    pickup_window_open()
    browser.post("/relais/soiree/cloture", {"outcome": outcome, "confirmed": "1"},
                 form_page="/relais/")
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
                       orders.Cart({}, {product("Œufs").id: 1}))
    cycles.close_cycle(this_week.id)
    open_week(delivery=date.today() + timedelta(days=10), supply={"Pomme de terre": 1000})

    browser.login("hote@paniers.demo")
    page = browser.get("/relais/").text
    assert "Famille Lefebvre" in page  # this week's pickups, not next week's empty list


def test_a_host_cannot_check_off_an_order_while_the_week_takes_orders(browser, other_browser):
    cycle, order, _ = two_orders_at_loos()
    browser.login(HOST)
    refused = browser.post(f"/relais/commandes/{order.id}/remise", form_page="/relais/")
    assert ("Les commandes de la semaine sont encore ouvertes : "
            "les paniers se remettent après la livraison.") in refused.text
    assert status(order.id) == OrderStatus.PLACED
    assert db.session.get(Order, order.id).collected_by_id is None

    other_browser.login("foyer@paniers.demo")
    page = other_browser.post(f"/mes-commandes/{order.id}/annuler", {"confirmed": "1"},
                              form_page="/mes-commandes")
    assert "Commande annulée" in page.text
    assert status(order.id) == OrderStatus.CANCELLED


def test_a_host_cannot_close_the_evening_before_the_delivery_day(browser):
    cycle, collected, missed = two_orders_at_loos()
    cycles.close_cycle(cycle.id)  # delivery in nine days
    browser.login(HOST)
    refused = browser.post("/relais/soiree/cloture", {"outcome": "kept", "confirmed": "1"},
                           form_page="/relais/")
    assert "La soirée se clôt une fois la fenêtre de retrait commencée" in refused.text
    assert status(missed.id) == OrderStatus.PLACED
    assert db.session.scalar(select(PickupEvening.id)) is None
    assert db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == Kind.MISSED_PICKUP)).all() == []


def test_the_evening_closes_once_the_pickup_window_has_begun_in_paris(app):
    cycle, _, missed = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    point = db.session.get(Order, missed.id).point
    opens = datetime.combine(cycle.delivery_date, time(point.pickup_start_min // 60,
                                                       point.pickup_start_min % 60), PARIS)
    with pytest.raises(ServiceError, match="fenêtre de retrait commencée"):
        evenings.close_evening(user(HOST), cycle.id, EveningOutcome.KEPT,
                               now=opens - timedelta(minutes=1))
    assert status(missed.id) == OrderStatus.PLACED

    evening = evenings.close_evening(user(HOST), cycle.id, EveningOutcome.KEPT, now=opens)
    assert evening.unclaimed == 2 and status(missed.id) == OrderStatus.UNCLAIMED
