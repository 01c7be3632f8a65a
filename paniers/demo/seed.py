"""Load the Lensois demo: hub, farms, points, canteens, fleet, produce and one account per role.

Idempotent: each record is found by its code (or name) and updated, never duplicated.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from canteens.models import Canteen, CanteenKind
from canteens.services import seed_dish_catalogue
from paniers.accounts.models import Role, User
from paniers.delivery.models import Vehicle
from paniers.demo.data import road_distance_m, rows, window_minutes
from paniers.extensions import db
from paniers.points.models import Hub, PickupPoint
from paniers.transaction import transaction
from paniers.types import utcnow
from producers.models import Farm, OrganicStatus, Product

DEMO_PASSWORD = "paniers-demo"
DEMO_ACCOUNTS = (
    # email, name, role, attachment (farm / canteen / point code)
    ("coordination@paniers.demo", "Claire Coordination", Role.COORDINATOR, None),
    ("foyer@paniers.demo", "Famille Lefebvre", Role.HOUSEHOLD, "relay-loos"),
    ("producteur@paniers.demo", "Jean Marais", Role.FARMER, "farm-marais"),
    ("cantine@paniers.demo", "Sophie Cantine", Role.CANTEEN_MANAGER, "canteen-loos-school"),
    ("hote@paniers.demo", "Karim Relais", Role.RELAY_HOST, "relay-loos"),
)
CANTEENS = {
    # code: kind, meals a day, ISO service days, local target %, food budget per meal (cents)
    "canteen-loos-school": (CanteenKind.NURSERY, 180, "1,2,4,5", 100, 250),
    "canteen-loos-residence": (CanteenKind.RESIDENCE, 40, "1,2,3,4,5,6,7", 15, 400),
}


def _upsert(model: Any, key: str, value: str, **fields: Any) -> Any:
    record = db.session.scalar(select(model).where(getattr(model, key) == value))
    if record is None:
        record = model(**{key: value})
        db.session.add(record)
    for name, field in fields.items():
        setattr(record, name, field)
    return record


def _organic_status(notes: str) -> str:
    if "not organic" in notes:  # sugar, oil and landed fish: conventional suppliers
        return ""
    for status in (OrganicStatus.C1, OrganicStatus.C2, OrganicStatus.C3):
        if f": {status}" in notes:
            return status
    return OrganicStatus.AB


def seed_network() -> Hub:
    hub: Hub | None = None
    for row in rows("network"):
        lat, lon = float(row["lat"]), float(row["lon"])
        delivery = window_minutes(row["delivery_window"])
        assert delivery is not None
        if row["kind"] == "hub":
            hub = _upsert(Hub, "code", row["id"], name=row["name"], town=row["town"], lat=lat,
                          lon=lon, open_start_min=delivery[0], open_end_min=delivery[1])
        elif row["kind"] == "farm":
            assert hub is not None
            _upsert(Farm, "code", row["id"], name=row["name"], town=row["town"], lat=lat,
                    lon=lon, organic_status=_organic_status(row["notes"]),
                    distance_m=road_distance_m(lat, lon, hub.lat, hub.lon))
        else:
            pickup = window_minutes(row["pickup_window"]) or (None, None)
            _upsert(PickupPoint, "code", row["id"], kind=row["kind"], name=row["name"],
                    town=row["town"], lat=lat, lon=lon,
                    capacity_baskets=int(row["capacity_baskets"] or 0) or None,
                    delivery_start_min=delivery[0], delivery_end_min=delivery[1],
                    pickup_start_min=pickup[0], pickup_end_min=pickup[1], notes=row["notes"])
    assert hub is not None, "the network has no hub"
    db.session.flush()
    return hub


def seed_canteens() -> None:
    for code, (kind, meals, days, local_pct, budget) in CANTEENS.items():
        point = db.session.scalar(select(PickupPoint).where(PickupPoint.code == code))
        assert point is not None
        _upsert(Canteen, "code", code, name=point.name, kind=kind, point_id=point.id,
                meals_per_day=meals, service_days=days, local_target_pct=local_pct,
                budget_cents_per_meal=budget)


def seed_fleet(hub: Hub) -> None:
    for row in rows("fleet"):
        shift = window_minutes(row["shift"])
        assert shift is not None
        _upsert(Vehicle, "code", row["id"], kind=row["kind"], name=row["name"], hub_id=hub.id,
                capacity_kg=int(row["capacity_kg"]), capacity_crates=int(row["capacity_crates"]),
                shift_start_min=shift[0], shift_end_min=shift[1],
                max_km=int(row["max_km"]) if row["max_km"] else None,
                cost_per_km_cents=int(Decimal(row["cost_per_km_eur"]) * 100))


def seed_produce() -> None:
    for row in rows("produce"):
        _upsert(Product, "name", row["product"], category=row["category"], unit=row["unit"],
                unit_weight_g=int(Decimal(row["unit_kg"]) * 1000), months=row["months"],
                reference_price_cents=int(Decimal(row["price_eur_per_unit"]) * 100),
                nursery_portion_g=int(row["nursery_portion_g"] or 0) or None)


def seed_accounts() -> None:
    for email, name, role, attachment in DEMO_ACCOUNTS:
        user = _upsert(User, "email", email, name=name, role=role)
        if not user.password_hash:
            user.set_password(DEMO_PASSWORD)
        if user.email_confirmed_dt is None:  # demo accounts log in without a link
            user.email_confirmed_dt = utcnow()
        if role == Role.FARMER:
            user.farm_id = _id_of(Farm, attachment)
        elif role == Role.CANTEEN_MANAGER:
            user.canteen_id = _id_of(Canteen, attachment)
        elif attachment:
            user.point_id = _id_of(PickupPoint, attachment)


def _id_of(model: Any, code: str | None) -> int:
    record_id = db.session.scalar(select(model.id).where(model.code == code))
    assert record_id is not None, f"{model.__name__} {code} is missing from the demo data"
    return int(record_id)


@transaction()
def seed_demo() -> None:
    """Load (or refresh) the whole demo, in one transaction."""
    hub = seed_network()
    seed_canteens()
    seed_fleet(hub)
    seed_produce()
    db.session.flush()
    seed_dish_catalogue()
    seed_accounts()


def is_seeded() -> bool:
    return db.session.scalar(select(Hub.id).limit(1)) is not None
