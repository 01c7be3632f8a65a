"""The generated agglomeration loads through the network importer and gives a valid week."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from paniers.accounts.models import Role, User
from paniers.delivery.models import Vehicle
from paniers.demo.agglomeration import (
    EMAIL_DOMAIN,
    generate,
    intent,
    load,
    open_week,
    place_canteen_orders,
    place_week_orders,
)
from paniers.extensions import db
from paniers.orders.models import Order, OrderSource
from paniers.points.models import Hub, PickupPoint
from paniers.subscriptions.services import place_subscription_orders


def count(query):
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def test_a_small_agglomeration_loads_once_and_orders_its_week(app):
    agglomeration = generate(60, seed=2)
    load(agglomeration)
    load(agglomeration)  # idempotent: nothing twice
    households = count(select(User.id).where(User.email.like(f"foyer%@{EMAIL_DOMAIN}"),
                                             User.role == Role.HOUSEHOLD))
    assert households == 60
    assert {h.code for h in db.session.scalars(select(Hub))} >= {"hub-loos", "hub-lievin"}
    lievin = db.session.scalar(select(Hub.id).where(Hub.code == "hub-lievin"))
    assert count(select(Vehicle.id).where(Vehicle.hub_id == lievin)) == 4
    assert count(select(Vehicle.id).where(Vehicle.kind == "truck")) == 2
    # the Lille and Dunkerque run (beside the demo's own, "van-2", in this database)
    assert "van-loos-2" in {v.code for v in db.session.scalars(select(Vehicle).where(
        Vehicle.long_haul.is_(True)))}
    assert count(select(PickupPoint.id).where(PickupPoint.town == "Vimy")) >= 1

    cycle = open_week(agglomeration, date.today() + timedelta(days=9))
    subscribed = place_subscription_orders(cycle.id)
    outcome = place_week_orders(agglomeration, cycle.id, part=0, parts=2)
    outcome2 = place_week_orders(agglomeration, cycle.id, part=1, parts=2)
    canteens = place_canteen_orders(agglomeration, cycle.id)
    wanted = sum(1 for h in agglomeration.households if intent(agglomeration, h))
    assert outcome["placed"] + outcome2["placed"] == wanted  # supply and quotas suffice
    assert outcome["refused"] == outcome2["refused"] == 0
    assert subscribed.ordered and canteens == 12
    orders = list(db.session.scalars(select(Order).where(Order.cycle_id == cycle.id)))
    assert {o.source for o in orders} == {OrderSource.ONE_OFF, OrderSource.SUBSCRIPTION,
                                          OrderSource.CANTEEN}
    assert all(o.lines and o.total_cents > 0 for o in orders)
