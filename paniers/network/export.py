"""Write the network as the three files the importer reads.

The active hubs, farms and points, products and vehicles, in the order they were added:
an export imported into an empty instance and exported again gives identical files. The
optional columns (address, phone, email) are written only when some record has one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from paniers.delivery.models import Vehicle
from paniers.extensions import db
from paniers.network.files import (
    COLUMNS,
    FLEET,
    NETWORK,
    OPTIONAL_COLUMNS,
    PRODUCE,
    write_folder,
    write_table,
    zip_bytes,
)
from paniers.points.models import Hub, PickupPoint
from paniers.windows import DayWindow, spec
from producers.models import Farm, Product


def _active(model: Any) -> list[Any]:
    return list(db.session.scalars(select(model).where(model.active.is_(True))
                                   .order_by(model.id)))


def _degrees(value: float) -> str:
    """At least the reference files' four decimals, more only when stored."""
    text = f"{value:.6f}".rstrip("0")
    whole, _dot, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(4, '0')}"


def _euros(cents: int) -> str:
    return f"{cents / 100:.2f}"


def _kilos(grams: int) -> str:
    return f"{grams / 1000:.3f}".rstrip("0").rstrip(".")


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _place(record: Any, kind: str) -> dict[str, str]:
    return {"id": record.code, "kind": kind, "name": record.name, "town": record.town,
            "lat": _degrees(record.lat), "lon": _degrees(record.lon), "notes": record.notes,
            "address": record.address}


def network_rows() -> list[dict[str, str]]:
    rows = []
    for hub in _active(Hub):
        row = _place(hub, "hub")
        row["delivery_window"] = spec([DayWindow(hub.weekday, hub.open_start_min,
                                                 hub.open_end_min)])
        rows.append(row)
    for farm in _active(Farm):
        row = _place(farm, "farm")
        row.update(delivery_window=farm.drop_windows, phone=farm.contact_phone,
                   email=farm.contact_email)
        rows.append(row)
    for point in _active(PickupPoint):
        row = _place(point, point.kind)
        row.update(capacity_baskets=_number(point.capacity_baskets),
                   delivery_window=spec(point.delivery_windows),
                   pickup_window=spec(point.pickup_windows), phone=point.phone,
                   email=point.host_email)
        rows.append(row)
    return rows


def produce_rows() -> list[dict[str, str]]:
    return [{"product": p.name, "category": p.category, "unit": p.unit,
             "unit_kg": _kilos(p.unit_weight_g), "months": p.months,
             "price_eur_per_unit": _euros(p.reference_price_cents),
             "price_basis": p.price_basis, "nursery_portion_g": _number(p.nursery_portion_g)}
            for p in _active(Product)]


def fleet_rows() -> list[dict[str, str]]:
    rows = []
    for vehicle in _active(Vehicle):
        hub = db.session.get_one(Hub, vehicle.hub_id)
        rows.append({
            "id": vehicle.code, "kind": vehicle.kind, "name": vehicle.name,
            "start": hub.code, "end": hub.code, "capacity_kg": str(vehicle.capacity_kg),
            "capacity_crates": str(vehicle.capacity_crates),
            "shift": spec([DayWindow(vehicle.shift_weekday, vehicle.shift_start_min,
                                     vehicle.shift_end_min)]),
            "max_km": _number(vehicle.max_km),
            "cost_per_km_eur": _euros(vehicle.cost_per_km_cents), "notes": vehicle.notes})
    return rows


def _columns(name: str, rows: list[dict[str, str]]) -> tuple[str, ...]:
    extra = tuple(c for c in OPTIONAL_COLUMNS[name] if any(row.get(c) for row in rows))
    return COLUMNS[name] + extra


def network_texts() -> dict[str, str]:
    """The three files' text, by file name."""
    tables = {NETWORK: network_rows(), PRODUCE: produce_rows(), FLEET: fleet_rows()}
    return {name: write_table(_columns(name, rows), rows) for name, rows in tables.items()}


def export_folder(folder: Path) -> list[Path]:
    texts = network_texts()
    write_folder(folder, texts)
    return [folder / name for name in texts]


def export_zip() -> bytes:
    return zip_bytes(network_texts())
