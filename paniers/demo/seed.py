"""Load the Lensois demo: hub, farms, points, canteens, fleet, produce and one account per role.

The network, produce and fleet go through the network importer (``paniers network import``),
reading the project's copy of the reference files (``paniers/demo/data``).

Idempotent: each record is found by its code (or name) and updated, never duplicated.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from canteens.models import Canteen, CanteenKind
from canteens.services import seed_dish_catalogue
from paniers.accounts.models import Role, User
from paniers.delivery.models import Vehicle
from paniers.demo.data import DATA
from paniers.extensions import db
from paniers.network.files import folder_texts
from paniers.network.services import import_network
from paniers.points.models import Hub, PickupPoint
from paniers.transaction import transaction
from paniers.types import utcnow
from producers.models import Farm

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

LONG_HAUL_VAN = "van-2"


def seed_network() -> None:
    """Hubs, farms, points, produce and fleet, through the network importer."""
    import_with_shuttle(folder_texts(DATA), "demo", LONG_HAUL_VAN)


def import_with_shuttle(texts: dict[str, bytes], source: str, shuttle_code: str) -> None:
    """Import a network's files (raising if they do not import) and keep the vehicle
    ``shuttle_code`` for Lille and Dunkerque, "served by a separate weekly run"."""
    result = import_network(texts, source=source)
    if not result.ok:
        raise RuntimeError(f"the {source} network does not import: "
                           + "; ".join(str(problem) for problem in result.problems))
    shuttle = db.session.scalar(select(Vehicle).where(Vehicle.code == shuttle_code))
    if shuttle is not None:
        shuttle.long_haul = True


def seed_canteens() -> None:
    for code, (kind, meals, days, local_pct, budget) in CANTEENS.items():
        point = db.session.scalar(select(PickupPoint).where(PickupPoint.code == code))
        assert point is not None
        _upsert(Canteen, "code", code, name=point.name, kind=kind, point_id=point.id,
                meals_per_day=meals, service_days=days, local_target_pct=local_pct,
                budget_cents_per_meal=budget)


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


def farm_logins() -> list[tuple[str, str, str]]:
    """A login for every demo farm without a farmer of its own: (email, name, farm)."""
    attached = {attachment for _e, _n, role, attachment in DEMO_ACCOUNTS if role == Role.FARMER}
    return [(f"{farm.code}@paniers.demo", f"Producteur·rice — {farm.name}", farm.code)
            for farm in db.session.scalars(select(Farm).order_by(Farm.code))
            if farm.code not in attached]


def seed_farm_logins() -> None:
    for email, name, code in farm_logins():
        user = _upsert(User, "email", email, name=name, role=Role.FARMER)
        if not user.password_hash:
            user.set_password(DEMO_PASSWORD)
        if user.email_confirmed_dt is None:
            user.email_confirmed_dt = utcnow()
        user.farm_id = _id_of(Farm, code)


def _id_of(model: Any, code: str | None) -> int:
    record_id = db.session.scalar(select(model.id).where(model.code == code))
    assert record_id is not None, f"{model.__name__} {code} is missing from the demo data"
    return int(record_id)


@transaction()
def seed_demo() -> None:
    """Load (or refresh) the whole demo, in one transaction."""
    seed_network()
    seed_canteens()
    db.session.flush()
    seed_dish_catalogue()
    seed_accounts()
    db.session.flush()
    seed_farm_logins()


def is_seeded() -> bool:
    return db.session.scalar(select(Hub.id).limit(1)) is not None
