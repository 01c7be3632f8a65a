"""The Lensois demo: loaded once, loaded again without duplicates, and a whole week headless."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from paniers.accounts.models import User
from paniers.delivery.models import Vehicle
from paniers.demo.seed import DEMO_ACCOUNTS, seed_demo
from paniers.extensions import db
from paniers.points.models import Hub, PickupPoint
from producers.models import Farm, Product


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Hub, Farm, PickupPoint, Vehicle, Product, User)}


def test_the_demo_has_the_lensois_network_and_one_account_per_role(app):
    assert counts() == {"Hub": 1, "Farm": 6, "PickupPoint": 18, "Vehicle": 3, "Product": 30,
                        "User": len(DEMO_ACCOUNTS)}
    kinds = dict(db.session.execute(
        select(PickupPoint.kind, func.count()).group_by(PickupPoint.kind)).all())
    assert kinds == {"relay": 10, "shop": 4, "canteen": 2, "city": 2}
    statuses = {f.code: f.organic_status for f in db.session.scalars(select(Farm))}
    assert statuses["farm-marais"] == "C2" and statuses["farm-microferme"] == "AB"
    bike = db.session.scalar(select(Vehicle).where(Vehicle.code == "bike-1"))
    assert (bike.capacity_kg, bike.max_km, bike.shift_start_min) == (120, 25, 12 * 60)
    assert {u.role for u in db.session.scalars(select(User))} == {
        "coordinator", "household", "farmer", "canteen_manager", "relay_host"}


def test_loading_the_demo_twice_changes_nothing(app):
    before = counts()
    seed_demo()
    assert counts() == before


def test_demo_week_runs_a_whole_week_and_prints_its_summary(app):
    from paniers.demo.week import next_delivery, run_week

    text = run_week(households=25, seed=3, routing_time_s=1.0)
    delivery = next_delivery(date.today())
    assert delivery.weekday() == 4  # a Friday
    assert f"Week of {delivery.isoformat()} — cycle closed" in text
    assert "baskets per pickup point:" in text
    assert "basket contents (allocated):" in text and "split between farms" in text
    assert "delivery rounds (all_served" in text
