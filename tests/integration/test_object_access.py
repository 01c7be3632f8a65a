"""With two of each owner, every route that names an object refuses the other owner's
one (403 or 404) and leaves it as it was, while the same request on one's own object
is let through.

Objects that belong to no one in particular are left out: cycles, formats, rounds and
vehicles (the coordinator's alone) and the dish catalogue (shared by the canteens).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from canteens.models import StoredPlan
from paniers.cycles import services as cycles
from paniers.cycles.models import OrderCycle
from paniers.extensions import db
from paniers.points.models import PickupEvening
from tests.integration.week import delivered_today
from tests.support.access import Owner, Visitor, World, build_world, order_state


@dataclass(frozen=True)
class Case:
    owners: str  # the World's pair of owners: households, hosts or canteens
    method: str
    path: Callable[[World, Owner], str]  # the address of an owner's object
    form: dict[str, Any] = field(default_factory=dict)
    evening: bool = False  # asked on the delivery evening (the week closed, delivered today)


def _order(suffix: str = "") -> Callable[[World, Owner], str]:
    return lambda world, owner: f"/paiement/commandes/{owner.order_id}{suffix}"


CASES = {
    "orders.cancel (households)": Case(
        "households", "POST", lambda w, o: f"/mes-commandes/{o.order_id}/annuler"),
    "orders.cancel (canteens)": Case(
        "canteens", "POST", lambda w, o: f"/mes-commandes/{o.order_id}/annuler"),
    "payments.confirm": Case("households", "GET", _order()),
    "payments.back": Case("households", "GET", _order("/retour")),
    "payments.pay_by_card": Case("households", "POST", _order("/carte")),
    "payments.at_pickup_instead": Case("households", "POST", _order("/au-retrait")),
    "payments.record_at_pickup": Case(
        "hosts", "POST", lambda w, o: f"/paiement/retrait/{o.order_id}", {"means": "cash"},
        evening=True),
    "points.check_off": Case(
        "hosts", "POST", lambda w, o: f"/relais/commandes/{o.order_id}/remise", evening=True),
    "points.evening": Case("hosts", "GET", lambda w, o: f"/relais/?point={o.point_id}",
                           evening=True),
    "points.printable": Case(
        "hosts", "GET", lambda w, o: f"/relais/liste-imprimable?point={o.point_id}",
        evening=True),
    "points.close_evening": Case(
        "hosts", "POST", lambda w, o: f"/relais/soiree/cloture?point={o.point_id}",
        {"outcome": "charity"}, evening=True),
    "allocation.packing_list": Case(
        "hosts", "GET",
        lambda w, o: f"/coordination/cycles/{w.cycle_id}/colisage/{o.point_id}", evening=True),
    "canteens.edit_meal (page)": Case(
        "canteens", "GET", lambda w, o: f"/cantine/menus/{o.plan_id}/repas/{o.plan_day}"),
    "canteens.edit_meal (form)": Case(
        "canteens", "POST", lambda w, o: f"/cantine/menus/{o.plan_id}/repas/{o.plan_day}",
        {"starter": 0, "main": 0, "side": 0, "dairy": 0, "dessert": 0}),
}


def what_the_second_owners_have(world: World) -> tuple[Any, ...]:
    """The second household's, host's and canteen's things, as a refusal must leave them."""
    db.session.expire_all()
    point = world.hosts[1].point_id
    evenings = db.session.scalar(select(func.count(PickupEvening.id)).where(
        PickupEvening.point_id == point))
    plan = db.session.get(StoredPlan, world.canteens[1].plan_id or 0)
    menus = None if plan is None else [
        (meal.service_date, [d.dish_id for d in meal.dishes]) for meal in plan.meals]
    return (order_state(world.households[1].order_id or 0),
            order_state(world.canteens[1].order_id or 0), evenings, menus)


def ask(visitor: Visitor, case: Case, path: str) -> Any:
    return visitor.get(path) if case.method == "GET" else visitor.post(path, case.form)


@pytest.mark.parametrize("name", list(CASES))
def test_the_other_owners_object_is_refused_and_left_alone(app, name):
    app.config.update(CANTEEN_PLAN_TIME_LIMIT_S=3, CANTEEN_PLAN_WORKERS=1)
    case = CASES[name]
    world = build_world(plans=case.owners == "canteens")
    if case.evening:
        cycles.close_cycle(world.cycle_id)
        delivered_today(db.session.get(OrderCycle, world.cycle_id))
    mine, theirs = getattr(world, case.owners)
    visitor = Visitor(app, mine.email)
    before = what_the_second_owners_have(world)

    refused = ask(visitor, case, case.path(world, theirs))
    assert refused.status_code in (403, 404), (refused.status_code, refused.location)
    assert what_the_second_owners_have(world) == before

    own = ask(visitor, case, case.path(world, mine))
    assert own.status_code not in (403, 404, 500), (own.status_code, own.text[:200])
