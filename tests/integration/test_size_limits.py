"""Bounds on what a request may send: its body (413 before it is read), the rows of a
form (refused with a message) and the Stripe webhook's body; each refusal changes
nothing."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from canteens.forms import DAYS_PER_WEEK, MAX_INGREDIENTS
from canteens.models import Dish, MealForecast
from paniers import config as settings
from paniers.accounts.models import User
from paniers.extensions import db
from paniers.fields import MAX_PRODUCT_ROWS
from paniers.payments.models import ProviderEvent
from paniers.payments.views import WEBHOOK_MAX_BYTES
from paniers.subscriptions.models import Subscription
from tests.integration.test_household import live_orders, order_form
from tests.integration.test_roles import farm_offers, supply_form
from tests.integration.week import open_week, user
from tests.support.payments import signature_headers

TOO_MANY_ROWS = "Trop de lignes envoyées : ce formulaire en compte au plus"
WEBHOOK_SECRET = "whsec_size_limits"


def oversized(app):
    return "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)


def post(browser, path, data):
    data = {"csrf_token": browser.csrf(path), **data}
    with browser.app.app_context():
        return browser.client.post(path, data=data, headers={"Referer": path})


def users():
    return db.session.scalar(select(func.count(User.id)))


def test_the_bound_is_a_megabyte_unless_configured(monkeypatch):
    monkeypatch.delenv("MAX_CONTENT_LENGTH", raising=False)
    assert settings.from_environment()["MAX_CONTENT_LENGTH"] == 1024 * 1024
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "2048")
    assert settings.from_environment()["MAX_CONTENT_LENGTH"] == 2048


def test_an_oversized_anonymous_post_gets_the_french_413_page_and_registers_nobody(
        browser, app):
    before = users()
    reply = post(browser, "/inscription", {
        "email": "gros@example.org", "name": "Gros", "password": "un-mot-de-passe-long",
        "confirm": "un-mot-de-passe-long", "padding": oversized(app)})
    assert reply.status_code == 413
    assert "Ce que vous avez envoyé est trop volumineux." in reply.get_data(as_text=True)
    assert users() == before


def test_an_oversized_order_is_refused_and_places_nothing(browser, app):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    data = order_form(browser, cycle, baskets={"small": 1})
    data["products-0-quantity"] = oversized(app)
    reply = post(browser, "/catalogue", data)
    assert reply.status_code == 413
    assert live_orders(cycle.id) == 0


def test_an_order_with_more_rows_than_the_catalogue_can_hold_is_refused(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    data = order_form(browser, cycle, baskets={"small": 1})
    for i in range(1000, 1001 + MAX_PRODUCT_ROWS):
        data |= {f"products-{i}-product_id": "1", f"products-{i}-quantity": ""}
    page = browser.post("/catalogue", data)
    assert page.status_code == 200
    assert TOO_MANY_ROWS in page.text
    assert live_orders(cycle.id) == 0


def test_a_subscription_with_too_many_extras_rows_is_refused(browser):
    browser.login("foyer@paniers.demo")
    data = {"format_code": "large", "frequency": "weekly",
            "point": user("foyer@paniers.demo").point_id}
    for i in range(MAX_PRODUCT_ROWS + 1):
        data |= {f"extras-{i}-product_id": "1", f"extras-{i}-quantity": ""}
    page = browser.post("/abonnement/", data)
    assert page.status_code == 200
    assert TOO_MANY_ROWS in page.text
    assert db.session.scalar(select(func.count(Subscription.id))) == 0


def test_a_supply_with_too_many_rows_is_refused(browser):
    open_week(supply={})
    browser.login("producteur@paniers.demo")
    data = supply_form(browser, {"Pomme de terre": ("120", "2,40")})
    for i in range(1000, 1001 + MAX_PRODUCT_ROWS):
        data |= {f"lines-{i}-product_id": "1", f"lines-{i}-quantity": ""}
    page = browser.post("/producteur/offre", data)
    assert page.status_code == 200
    assert TOO_MANY_ROWS in page.text
    assert farm_offers("farm-marais") == {}


@pytest.fixture()
def paying_app(app):
    app.config.update(STRIPE_SECRET_KEY="sk_test_size_limits", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
    return app



def event_of_size(size: int) -> str:
    event = {"id": "evt_size", "type": "customer.updated",
             "data": {"object": {"id": "cus_size", "padding": ""}}}
    padding = size - len(json.dumps(event))
    event["data"]["object"]["padding"] = "x" * padding
    body = json.dumps(event)
    assert len(body) == size
    return body


def test_a_signed_webhook_within_the_bound_is_verified_and_kept(paying_app):
    body = event_of_size(WEBHOOK_MAX_BYTES)
    reply = paying_app.test_client().post("/paiement/stripe/webhook", data=body,
                                          headers=signature_headers(body, WEBHOOK_SECRET),
                                          content_type="application/json")
    assert reply.status_code == 200
    assert db.session.scalar(select(func.count(ProviderEvent.id))) == 1


def test_a_webhook_above_the_bound_is_refused_unread_even_signed(paying_app):
    body = event_of_size(WEBHOOK_MAX_BYTES + 1)
    reply = paying_app.test_client().post("/paiement/stripe/webhook", data=body,
                                          headers=signature_headers(body, WEBHOOK_SECRET),
                                          content_type="application/json")
    assert reply.status_code == 413
    assert db.session.scalar(select(func.count(ProviderEvent.id))) == 0


def test_a_webhook_sent_in_chunks_is_cut_at_the_bound(paying_app):
    """No Content-Length (chunked): the body is refused once it passes the bound."""
    body = event_of_size(WEBHOOK_MAX_BYTES + 1)
    reply = paying_app.test_client().post(
        "/paiement/stripe/webhook", input_stream=io.BytesIO(body.encode()),
        headers={**signature_headers(body, WEBHOOK_SECRET), "Transfer-Encoding": "chunked"},
        content_type="application/json", environ_overrides={"wsgi.input_terminated": True})
    assert reply.status_code == 413
    assert db.session.scalar(select(func.count(ProviderEvent.id))) == 0


def test_a_forecast_with_more_days_than_a_week_is_refused(browser):
    browser.login("cantine@paniers.demo")
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    path = f"/cantine/previsions?semaine={monday.isoformat()}"
    data = {f"days-{i}-day": monday.isoformat() for i in range(DAYS_PER_WEEK + 1)}
    data |= {f"days-{i}-nursery": "180" for i in range(DAYS_PER_WEEK + 1)}
    page = browser.post(path, data)
    assert page.status_code == 200
    assert TOO_MANY_ROWS in page.text
    assert db.session.scalar(select(func.count(MealForecast.id))) == 0


def test_a_dish_with_too_many_ingredient_rows_is_refused(browser):
    browser.login("cantine@paniers.demo")
    dishes = db.session.scalar(select(func.count(Dish.id)))
    data = {"name": "Soupe géante", "course": "main", "active": "y"}
    data |= {f"ingredients-{i}-name": "" for i in range(MAX_INGREDIENTS + 1)}
    page = browser.post("/cantine/plats/nouveau", data)
    assert page.status_code == 200
    assert TOO_MANY_ROWS in page.text
    assert db.session.scalar(select(func.count(Dish.id))) == dishes
