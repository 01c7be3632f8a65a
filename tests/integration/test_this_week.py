"""One rule for "this week" on every page, and the host's actions bound to their day:
two deliveries five days apart, acting before or after the day, undoing a check-off,
reopening an evening."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from paniers.allocation import services as allocating
from paniers.cycles import services as cycles
from paniers.cycles import week
from paniers.delivery.models import Route, RouteStop, Vehicle
from paniers.errors import Forbidden, ServiceError
from paniers.extensions import db
from paniers.formatting import long_date
from paniers.journal.models import JournalEntry
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderStatus
from paniers.payments import pickup
from paniers.points import services as evenings
from paniers.points.models import EveningOutcome, PickupEvening
from tests.integration.test_evening import HOST, evening_of_delivery, status, two_orders_at_loos
from tests.integration.week import delivered_today, open_week, pickup_window_open, product, user

COORDINATOR = "coordination@paniers.demo"


def two_deliveries_five_days_apart():
    """The earlier delivery closed with an order at Loos, the later one open for orders."""
    first = open_week(delivery=date.today() + timedelta(days=3))
    household = user("foyer@paniers.demo")
    order = orders.place_order(household, first.id, household.point_id,
                               orders.Cart({}, {product("Œufs").id: 1}))
    cycles.close_cycle(first.id)
    second = open_week(delivery=date.today() + timedelta(days=8),
                       supply={"Pomme de terre": 1000})
    return first, second, order


def test_the_week_is_todays_delivery_else_the_next_else_the_last(app):
    first, second, _ = two_deliveries_five_days_apart()
    assert week.this_week(first.delivery_date - timedelta(days=3)).id == first.id
    assert week.this_week(first.delivery_date).id == first.id  # the day itself
    assert week.this_week(first.delivery_date + timedelta(days=1)).id == second.id
    assert week.this_week(second.delivery_date + timedelta(days=30)).id == second.id
    draft = cycles.create_cycle(date.today() + timedelta(days=1),
                                datetime.now(evenings.PARIS) + timedelta(hours=2), [])
    assert week.this_week().id == first.id, "a draft is nobody's week yet"
    assert draft.id not in [c.id for c in week.nearby()]


def test_the_host_sees_the_next_delivery_and_can_choose_the_other(browser):
    first, second, order = two_deliveries_five_days_apart()
    browser.login(HOST)
    page = browser.get("/relais/").text
    assert long_date(first.delivery_date) in page and "Famille Lefebvre" in page
    assert f'<option value="{second.id}"' in page  # the selector offers the later one
    later = browser.get(f"/relais/?cycle={second.id}").text
    assert "Famille Lefebvre" not in later and "Aucune commande à remettre." in later
    printable = browser.get(f"/relais/liste-imprimable?cycle={first.id}").text
    assert "Famille Lefebvre" in printable


def test_the_farmer_keeps_the_allocated_week_when_the_next_cycle_opens(browser):
    first, second, _ = two_deliveries_five_days_apart()
    allocating.allocate_cycle(first.id)
    browser.login("producteur@paniers.demo")
    page = browser.get("/producteur/semaine").text
    assert "Œufs" in page or "Œufs" in page  # what was allocated for the first delivery
    assert "Revenu de la semaine" in page
    later = browser.get(f"/producteur/semaine?cycle={second.id}").text
    assert (f"La répartition de la livraison du {long_date(second.delivery_date)} "
            "n'est pas encore faite") in later


def test_the_payments_page_follows_the_same_week(browser):
    first, second, _ = two_deliveries_five_days_apart()
    browser.login(COORDINATOR)
    page = browser.get("/coordination/paiements").text
    assert f"Paiements — livraison du {long_date(first.delivery_date)}" in page


def test_a_host_acting_before_the_delivery_day_is_refused(browser):
    cycle, order, _ = two_orders_at_loos()
    cycles.close_cycle(cycle.id)  # delivered in nine days
    browser.login(HOST)
    refused = browser.post(f"/relais/commandes/{order.id}/remise", form_page="/relais/")
    assert (f"Les paniers de la livraison du {long_date(cycle.delivery_date)} se remettent "
            "ce jour-là, pas avant.") in refused.text
    assert status(order.id) == OrderStatus.PLACED
    paid = browser.post(f"/paiement/retrait/{order.id}", {"means": "cash"},
                        form_page="/relais/")
    assert "se remettent ce jour-là, pas avant" in paid.text
    db.session.expire_all()
    assert db.session.get(Order, order.id).payment.status == "due"


def test_after_the_day_only_a_coordinator_corrects(app):
    cycle, order, other = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    next_morning = evening_of_delivery(cycle) + timedelta(hours=14)
    with pytest.raises(ServiceError, match="seule la coordination"):
        evenings.check_off(user(HOST), order.id, now=next_morning)
    assert status(order.id) == OrderStatus.PLACED
    evenings.check_off(user(COORDINATOR), order.id, now=next_morning)
    assert status(order.id) == OrderStatus.COLLECTED
    with pytest.raises(ServiceError, match="seule la coordination"):
        pickup.record_pickup_payment(user(HOST), other.id, "cash", now=next_morning)


def test_baskets_are_handed_out_from_the_vans_arrival(app):
    cycle, order, _ = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    arrives = datetime.combine(cycle.delivery_date, time(14, 30), evenings.PARIS)
    vehicle = db.session.scalars(select(Vehicle)).first()
    route = Route(cycle_id=cycle.id, vehicle_id=vehicle.id, departs_dt=arrives - timedelta(hours=1),
                  returns_dt=arrives + timedelta(hours=2), distance_m=10_000, cost_cents=350)
    route.stops.append(RouteStop(sequence=1, point_id=order.point_id, arrives_dt=arrives,
                                 starts_dt=arrives, departs_dt=arrives + timedelta(minutes=10),
                                 weight_g=5000, crates=1, load_after_kg=0))
    db.session.add(route)
    db.session.commit()
    with pytest.raises(ServiceError, match=r"arrivée de la camionnette \(14:30\)"):
        evenings.check_off(user(HOST), order.id, now=arrives - timedelta(minutes=5))
    evenings.check_off(user(HOST), order.id, now=arrives + timedelta(minutes=5))
    assert status(order.id) == OrderStatus.COLLECTED


def test_a_check_off_can_be_undone_during_the_evening(browser):
    cycle, order, _ = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    delivered_today(cycle)
    pickup_window_open()
    browser.login(HOST)
    browser.post(f"/relais/commandes/{order.id}/remise", form_page="/relais/")
    assert status(order.id) == OrderStatus.COLLECTED
    page = browser.post(f"/relais/commandes/{order.id}/remise/annuler",
                        form_page="/relais/").text
    assert "Remise annulée : la commande de Famille Lefebvre est de nouveau à remettre." in page
    assert status(order.id) == OrderStatus.PLACED
    assert db.session.get(Order, order.id).collected_by_id is None
    assert db.session.scalar(select(JournalEntry.action).where(
        JournalEntry.action == "pickup.undone")) == "pickup.undone"

    browser.post(f"/relais/commandes/{order.id}/remise", form_page="/relais/")
    browser.post("/relais/soiree/cloture", {"outcome": "kept", "confirmed": "1"},
                 form_page="/relais/")
    late = browser.post(f"/relais/commandes/{order.id}/remise/annuler", form_page="/relais/")
    assert "La soirée est close : demandez à la coordination de la rouvrir." in late.text
    assert status(order.id) == OrderStatus.COLLECTED


def test_a_coordinator_reopens_a_closed_evening(browser):
    cycle, collected, missed = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    host = user(HOST)
    evenings.check_off(host, collected.id, now=evening_of_delivery(cycle))
    evenings.close_evening(host, cycle.id, EveningOutcome.KEPT, now=evening_of_delivery(cycle))
    assert status(missed.id) == OrderStatus.UNCLAIMED
    with pytest.raises(Forbidden):
        evenings.reopen_evening(host, cycle.id, missed.point_id)

    browser.login(COORDINATOR)
    page = browser.post(f"/relais/soiree/reouvrir?point={missed.point_id}&cycle={cycle.id}",
                        form_page=f"/relais/?point={missed.point_id}&cycle={cycle.id}").text
    assert "Soirée rouverte : 1 commande de nouveau à remettre." in page
    assert status(missed.id) == OrderStatus.PLACED
    assert status(collected.id) == OrderStatus.COLLECTED
    assert db.session.scalar(select(PickupEvening.id)) is None
    assert db.session.scalar(select(JournalEntry.action).where(
        JournalEntry.action == "evening.reopened")) == "evening.reopened"


def test_the_packing_list_offers_the_nearby_deliveries_at_the_same_point(browser):
    first, second, order = two_deliveries_five_days_apart()
    allocating.allocate_cycle(first.id)
    browser.login(COORDINATOR)
    later = browser.get(f"/coordination/cycles/{second.id}/colisage/{order.point_id}").text
    assert "Famille Lefebvre" not in later and "Aucune commande pour ce point." in later
    assert f'<option value="{first.id}"' in later
    earlier = browser.get(f"/coordination/cycles/{second.id}/colisage/{order.point_id}"
                          f"?cycle={first.id}", follow_redirects=True)
    assert earlier.response.request.path == (
        f"/coordination/cycles/{first.id}/colisage/{order.point_id}")
    assert "Famille Lefebvre" in earlier.text
    assert f'<option value="{first.id}" selected' in earlier.html


def test_the_rounds_open_on_this_weeks_delivery_and_offer_the_next(browser):
    first, second, _ = two_deliveries_five_days_apart()
    draft = cycles.create_cycle(date.today() + timedelta(days=20),
                                datetime.now(evenings.PARIS) + timedelta(days=15), [])
    browser.login(COORDINATOR)
    page = browser.get("/coordination/tournees", follow_redirects=True)
    assert page.response.request.path == f"/coordination/cycles/{first.id}/tournees"
    assert f'<option value="{first.id}" selected' in page.html
    assert f'<option value="{second.id}"' in page.html
    assert f'<option value="{draft.id}"' not in page.html
    later = browser.get(f"/coordination/cycles/{first.id}/tournees?cycle={second.id}",
                        follow_redirects=True)
    assert later.response.request.path == f"/coordination/cycles/{second.id}/tournees"
    assert "Les tournées se planifient une fois la répartition faite." in later.text
    assert browser.get(f"/coordination/cycles/{first.id}/tournees?cycle={draft.id}"
                       ).status_code == 404
