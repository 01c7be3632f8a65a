"""The coordinator's fleet."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from paniers.delivery.models import Vehicle
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.points.models import Hub
from paniers.transaction import transaction


@dataclass(frozen=True)
class VehicleChange:
    name: str
    capacity_kg: int
    capacity_crates: int
    shift_start_min: int
    shift_end_min: int
    max_km: int | None
    cost_per_km_cents: int
    active: bool
    hub_id: int
    long_haul: bool = False


def fleet() -> list[Vehicle]:
    return list(db.session.scalars(select(Vehicle).order_by(Vehicle.id)))


@transaction()
def update_vehicle(vehicle_id: int, change: VehicleChange) -> Vehicle:
    vehicle = db.session.get(Vehicle, vehicle_id)
    if vehicle is None:
        raise NotFound(_("Ce véhicule n'existe pas."))
    if change.shift_end_min <= change.shift_start_min:
        raise ServiceError(_("La fin de service doit suivre le début."))
    hub = db.session.get(Hub, change.hub_id)
    if hub is None or not hub.active:
        raise ServiceError(_("Choisissez une plateforme en service."))
    for field, value in vars(change).items():
        setattr(vehicle, field, value)
    return vehicle


def hubs(keep_id: int | None = None) -> list[Hub]:
    """The hubs a vehicle may be based at: those in service (and its own, even if not)."""
    return list(db.session.scalars(select(Hub).where(or_(Hub.active.is_(True), Hub.id == keep_id))
                                   .order_by(Hub.id)))


def clock_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
