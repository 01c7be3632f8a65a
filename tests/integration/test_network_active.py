"""Deactivated things disappear from ordering, supply and allocation, and stay in the past."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from paniers.allocation.services import week_input
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.orders import services as orders
from paniers.orders.catalogue import catalogue, orderable_points
from paniers.orders.models import Order
from paniers.points.models import PickupPoint
from producers import services as producers
from producers.models import Farm
from tests.integration.week import basket, open_week, product, user

HOUSEHOLD = "foyer@paniers.demo"
FARMER = "producteur@paniers.demo"


def deactivate(record) -> None:
    record.active = False
    db.session.commit()


def relay_loos() -> PickupPoint:
    return db.session.scalar(select(PickupPoint).where(PickupPoint.code == "relay-loos"))


def test_a_deactivated_product_leaves_the_catalogue_and_cannot_be_bought_but_past_orders_keep_it(
        app):
    cycle = open_week()
    eggs = product("Œufs")
    order = orders.place_order(user(HOUSEHOLD), cycle.id, relay_loos().id,
                               orders.Cart({}, {eggs.id: 1}))
    deactivate(eggs)
    assert "Œufs" not in [s.product.name for s in catalogue(cycle).stocks]
    with pytest.raises(ServiceError):
        orders.place_order(user(HOUSEHOLD), cycle.id, relay_loos().id,
                           orders.Cart({}, {eggs.id: 1}))
    db.session.expire_all()
    kept = db.session.get(Order, order.id)
    assert [line.product_id for line in kept.lines] == [eggs.id]


def test_a_deactivated_basket_format_is_no_longer_offered(app):
    cycle = open_week()
    large = basket(cycle.id, "large")
    deactivate(large)
    assert "large" not in [f.code for f in catalogue(cycle).formats]
    with pytest.raises(ServiceError):
        orders.place_order(user(HOUSEHOLD), cycle.id, relay_loos().id,
                           orders.Cart({large.id: 1}, {}))


def test_a_deactivated_point_is_no_longer_offered_to_households(app):
    cycle = open_week()
    point = relay_loos()
    deactivate(point)
    assert "relay-loos" not in [p.code for p in orderable_points()]
    with pytest.raises(ServiceError):
        orders.place_order(user(HOUSEHOLD), cycle.id, point.id,
                           orders.Cart({}, {product("Pomme de terre").id: 1000}))


def test_a_deactivated_farm_cannot_declare_and_its_offer_is_left_out_of_the_allocation(app):
    cycle = open_week(supply={"Pomme de terre": 50_000})
    farm = db.session.get(Farm, user(FARMER).farm_id)
    assert [o.farm_id for o in week_input(cycle)[1]] == [farm.id]
    deactivate(farm)
    assert week_input(cycle)[1] == []
    line = producers.SupplyLine(product("Carotte").id, 10_000, 230,
                                out_of_season_confirmed=True)
    with pytest.raises(ServiceError, match="plus active"):
        producers.declare_supply(user(FARMER), cycle.id, [line])


def test_the_farmers_supply_form_no_longer_lists_a_deactivated_product(browser):
    deactivate(product("Rhubarbe"))
    open_week()
    browser.login(FARMER)
    page = browser.get("/producteur/offre").text
    assert "Rhubarbe" not in page and "Carotte" in page
