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
    # Six market gardens and the eight suppliers of the canteens' other food groups.
    # One account per role, and a login for every farm (the farmer of each market garden
    # and supplier: the split between farms can be seen from their pages).
    assert counts() == {"Hub": 1, "Farm": 14, "PickupPoint": 18, "Vehicle": 3, "Product": 57,
                        "User": len(DEMO_ACCOUNTS) + 13}
    farmers = {u.farm_id for u in db.session.scalars(select(User).where(User.role == "farmer"))}
    assert farmers == set(db.session.scalars(select(Farm.id)))
    kinds = dict(db.session.execute(
        select(PickupPoint.kind, func.count()).group_by(PickupPoint.kind)).all())
    assert kinds == {"relay": 10, "shop": 4, "canteen": 2, "city": 2}
    statuses = {f.code: f.organic_status for f in db.session.scalars(select(Farm))}
    assert statuses["farm-marais"] == "C2" and statuses["farm-microferme"] == "AB"
    assert statuses["farm-opale"] == ""  # landed fish: no organic label
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


def test_each_canteen_supplier_offers_its_own_products_from_within_150_km(app):
    from paniers.demo.data import rows, supplied_products
    from paniers.geo import road_distance_m

    hub = db.session.scalar(select(Hub))
    farms = {f.code: f for f in db.session.scalars(select(Farm))}
    products = {p.name for p in db.session.scalars(select(Product))}
    for row in rows("suppliers"):
        farm = farms[row["farm"]]
        # The distance the data states is the one the demo computes, and "local" means
        # within 150 km by road in the Hauts-de-France.
        distance_km = road_distance_m(farm.lat, farm.lon, hub.lat, hub.lon) / 1000
        assert abs(distance_km - int(row["distance_km"])) < 1, farm.code
        assert (row["local"] == "yes") == (distance_km <= 150)
        assert row["source"] and row["products"]
    assert set(supplied_products()) <= products
    assert {"Maroilles", "Boeuf", "Poulet", "Pâtes", "Haricot lingot", "Colin"} <= set(
        supplied_products())


def test_in_the_demo_week_each_supplier_alone_offers_its_products(app):
    from paniers.demo.data import supplied_products
    from paniers.demo.week import run_week
    from producers.models import SupplyOffer

    run_week(households=5, seed=1, routing_time_s=0.5)
    codes = {f.id: f.code for f in db.session.scalars(select(Farm))}
    suppliers = supplied_products()
    offers = db.session.scalars(select(SupplyOffer)).all()
    assert offers
    for offer in offers:
        name = offer.product.name
        if name in suppliers:
            assert codes[offer.farm_id] == suppliers[name], name
        else:
            assert codes[offer.farm_id] not in suppliers.values(), name


def test_the_demo_starts_with_a_week_in_progress_that_every_farm_can_see(app, browser):
    from paniers.cycles.models import OrderCycle
    from paniers.demo.seed import DEMO_PASSWORD
    from paniers.orders.models import Order
    from producers.models import SupplyOffer

    shown = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty", "--live-week"])
    assert shown.exit_code == 0, shown.output
    assert "a week in progress" in shown.output and "farm-opale@paniers.demo" in shown.output
    (cycle,) = db.session.scalars(select(OrderCycle)).all()
    assert cycle.status == "open" and cycle.delivery_date.weekday() == 4
    declared = set(db.session.scalars(select(SupplyOffer.farm_id).where(
        SupplyOffer.cycle_id == cycle.id)))
    assert declared == set(db.session.scalars(select(Farm.id)))  # every demo farm
    assert db.session.scalar(select(func.count(Order.id))) >= 5
    again = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty", "--live-week"])
    assert "a week in progress" not in again.output  # started once
    assert len(db.session.scalars(select(OrderCycle)).all()) == 1

    browser.login("farm-gohelle@paniers.demo", DEMO_PASSWORD)
    offer = browser.get("/producteur/offre").text
    assert "Ferme de la Gohelle" in offer
    browser.login("foyer@paniers.demo", DEMO_PASSWORD)
    catalogue = browser.get("/catalogue").text
    assert "encore disponible" in catalogue  # baskets orderable from the first start
