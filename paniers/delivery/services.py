"""The coordinator's fleet."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from paniers.delivery.models import Vehicle
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
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


def fleet() -> list[Vehicle]:
    return list(db.session.scalars(select(Vehicle).order_by(Vehicle.id)))


@transaction()
def update_vehicle(vehicle_id: int, change: VehicleChange) -> Vehicle:
    vehicle = db.session.get(Vehicle, vehicle_id)
    if vehicle is None:
        raise NotFound(_("Ce véhicule n'existe pas."))
    if change.shift_end_min <= change.shift_start_min:
        raise ServiceError(_("La fin de service doit suivre le début."))
    for field, value in vars(change).items():
        setattr(vehicle, field, value)
    return vehicle


def clock_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
