"""Input no person types, answered with a 404, a 400 or the form again: never a server
error, and nothing stored (issue 15, findings 6 and 10)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from canteens.models import Dish, MealForecast
from paniers.allocation import services as allocating
from paniers.allocation.models import BasketItem
from paniers.cycles import services as cycles
from paniers.cycles.models import BasketFormat
from paniers.extensions import db
from paniers.orders.models import Order
from paniers.payments.models import ProviderEvent, SolidarityFund
from tests.integration.week import open_week, product
from tests.support.payments import signature_headers

HUGE_IDS = [str(2**63), str(2**64 + 1), "9" * 5000, str(2**31)]
WEBHOOK_SECRET = "whsec_bad_input"
DISH = {"name": "Écrasé maison", "course": "side", "active": "y",
        "ingredients-0-name": "Pomme de terre", "ingredients-0-grams": "150"}


@pytest.mark.parametrize("number", HUGE_IDS)
def test_an_address_naming_an_id_beyond_any_row_is_not_found(browser, number):
    browser.login("foyer@paniers.demo")
    assert browser.get(f"/paiement/commandes/{number}").status_code == 404
    assert browser.post(f"/mes-commandes/{number}/annuler", {"confirmed": "1"},
                        form_page="/mes-commandes").status_code == 404


@pytest.mark.parametrize("number", [*HUGE_IDS, "²", "-1"])
def test_a_query_naming_an_id_beyond_any_row_is_ignored(browser, number):
    open_week()
    browser.login("coordination@paniers.demo")
    assert browser.get(f"/coordination/paiements?cycle={number}").status_code == 200


@pytest.mark.parametrize("number", [*HUGE_IDS, "-1"])
def test_a_pickup_point_beyond_any_row_is_refused_and_nothing_is_ordered(browser, number):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    page = browser.post("/catalogue", {"point": number, "baskets-0-format_id":
                                       str(cycle.formats[0].id), "baskets-0-count": "1"},
                        form_page="/catalogue")
    assert page.status_code == 200
    assert db.session.scalar(select(func.count(Order.id))) == 0


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2026-02-30", "²"])
def test_a_week_far_from_today_in_an_address_shows_next_week(browser, week):
    browser.login("cantine@paniers.demo")
    assert browser.get(f"/cantine/previsions?semaine={week}").status_code == 200
    assert browser.get(f"/cantine/semaine?semaine={week}").status_code == 200


def test_a_forecast_whose_hidden_day_was_changed_is_shown_again_with_a_message(browser):
    browser.login("cantine@paniers.demo")
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    path = f"/cantine/previsions?semaine={monday.isoformat()}"
    data = {"days-0-day": "9999-99-99", "days-0-nursery": "180",
            "days-1-day": (monday + timedelta(days=1)).isoformat(), "days-1-nursery": "150"}
    page = browser.post(path, data)
    assert page.status_code == 200
    assert "Date illisible." in page.text
    assert db.session.scalar(select(func.count()).select_from(MealForecast)) == 0


@pytest.mark.parametrize("budget,message", [
    ("1000000000000", "Montant trop élevé : au plus 50\u202f000 €."),
    ("1e999999", "Montant illisible"),
    ("9" * 5000, "Montant illisible"),
])
def test_a_solidarity_budget_beyond_reason_is_refused_beside_the_field(browser, budget, message):
    cycle = open_week()
    browser.login("coordination@paniers.demo")
    path = f"/coordination/paiements?cycle={cycle.id}"
    page = browser.post(path, {"budget": budget, "household_pct": "30"})
    assert page.status_code == 200
    assert message in page.text
    assert db.session.scalar(select(func.count()).select_from(SolidarityFund)) == 0


def test_a_solidarity_budget_typed_the_french_way_is_kept_in_cents(browser):
    cycle = open_week()
    browser.login("coordination@paniers.demo")
    path = f"/coordination/paiements?cycle={cycle.id}"
    assert "Budget solidaire enregistré" in browser.post(
        path, {"budget": "1 200,50", "household_pct": "30"}).text
    assert db.session.scalar(select(SolidarityFund.budget_cents)) == 120050


def test_a_basket_composition_of_a_thousand_billion_kilos_is_refused(browser):
    cycle = open_week()
    cycles.close_cycle(cycle.id)
    fmt = db.session.scalar(select(BasketFormat).where(BasketFormat.cycle_id == cycle.id))
    allocating.set_composition(cycle.id, fmt.id, [(product("Pomme de terre").id, 1000)])
    db.session.commit()
    browser.login("coordination@paniers.demo")
    prefix = f"format-{fmt.id}"
    page = browser.post(f"/coordination/cycles/{cycle.id}/formats/{fmt.id}/composition", {
        f"{prefix}-add_product": str(product("Pomme de terre").id),
        f"{prefix}-add_quantity": "1000000000000"},
        form_page=f"/coordination/cycles/{cycle.id}/repartition")
    assert page.status_code == 200
    assert "Quantité trop grande : au plus 20 kg." in page.text
    db.session.expire_all()
    assert db.session.scalars(select(BasketItem.quantity)).all() == [1000]


def test_a_nul_byte_in_a_name_is_refused_and_nothing_is_stored(browser):
    browser.login("cantine@paniers.demo")
    page = browser.post("/cantine/plats/nouveau", DISH | {"name": "Écrasé\x00"})
    assert page.status_code == 400
    assert db.session.scalar(select(Dish).where(Dish.name.like("Écrasé%"))) is None


def test_bidirectional_overrides_are_taken_out_of_a_name(browser):
    browser.login("cantine@paniers.demo")
    page = browser.post("/cantine/plats/nouveau",
                        DISH | {"name": "Écrasé \u202emaison\u202c\u2066\u2069"})
    assert "enregistré" in page.text
    assert db.session.scalar(select(Dish.name).where(Dish.name.like("Écrasé%"))) == "Écrasé maison"


@pytest.fixture()
def paying_app(app):
    app.config.update(STRIPE_SECRET_KEY="sk_test_bad_input", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
    return app



@pytest.mark.parametrize("event", [
    {"id": "evt_1", "type": "checkout.session.completed"},
    {"id": "evt_2", "type": "checkout.session.completed", "data": None},
    {"id": "evt_3", "type": "checkout.session.completed", "data": {"object": ["cs_1"]}},
    {"id": "evt_4", "type": "checkout.session.completed", "data": "cs_1"},
    {"id": 4, "type": "checkout.session.completed", "data": {"object": {"id": "cs_1"}}},
    {"id": "evt_6", "type": ["x"], "data": {"object": {"id": "cs_1"}}},
    {"id": "evt_7", "type": "checkout.session.completed", "data": {"object": {"id": 7}}},
    {"id": "evt_8", "type": "checkout.session.completed",
     "data": {"object": {"id": "cs_1", "metadata": "order 1"}}},
    {"id": "evt_9", "type": "checkout.session.completed",
     "data": {"object": {"id": "cs\x00"}}},
    {"id": "e" * 300, "type": "checkout.session.completed", "data": {"object": {"id": "cs"}}},
])
def test_a_signed_event_of_an_unexpected_shape_is_refused(paying_app, event):
    body = json.dumps(event)
    reply = paying_app.test_client().post("/paiement/stripe/webhook", data=body,
                                          headers=signature_headers(body, WEBHOOK_SECRET))
    assert reply.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ProviderEvent)) == 0


@pytest.mark.parametrize("order_id", [str(2**63), 2**70, "²", {"id": 1}, [1], True])
def test_a_signed_event_naming_an_order_of_the_wrong_type_is_kept_without_it(
        paying_app, order_id):
    event = {"id": "evt_odd", "type": "customer.updated",
             "data": {"object": {"id": "cus_1", "metadata": {"order_id": order_id}}}}
    body = json.dumps(event)
    reply = paying_app.test_client().post("/paiement/stripe/webhook", data=body,
                                          headers=signature_headers(body, WEBHOOK_SECRET))
    assert reply.status_code == 200
    assert db.session.scalar(select(ProviderEvent.order_id)) is None


@pytest.mark.parametrize("query", ["du=0001-01-01&au=9999-12-31", "du=²&au=x", "du=2026-02-30"])
def test_the_canteen_figures_of_any_period_are_shown_or_refused(browser, query):
    browser.login("cantine@paniers.demo")
    assert browser.get(f"/cantine/bilan?{query}").status_code < 500
    assert browser.get(f"/cantine/bilan.csv?{query}").status_code < 500
