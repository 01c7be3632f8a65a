"""Problem data of the delivery-routing optimiser: immutable, validated values.

Integer units everywhere: metres, seconds (from any origin the caller picks, e.g.
midnight of the delivery day), cents, and whatever unit each load dimension is
counted in (kilograms, crates...).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum


class StopKind(Enum):
    """What happens to a stop's load.

    A delivery stop that belongs to no shipment is loaded at the vehicle's start
    (or at a reload); a pickup stop that belongs to no shipment is carried to the
    vehicle's end.
    """

    DELIVERY = "delivery"
    PICKUP = "pickup"


@dataclass(frozen=True)
class Location:
    """A place: an id and, unless the travel matrices are given, coordinates."""

    id: str
    latitude: float | None = None
    longitude: float | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a location needs a non-empty id")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError(f"location {self.id!r}: give both latitude and longitude or neither")
        if self.latitude is not None and not -90.0 <= self.latitude <= 90.0:
            raise ValueError(f"location {self.id!r}: latitude {self.latitude} outside [-90, 90]")
        if self.longitude is not None and not -180.0 <= self.longitude <= 180.0:
            raise ValueError(
                f"location {self.id!r}: longitude {self.longitude} outside [-180, 180]"
            )

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None


@dataclass(frozen=True)
class TimeWindow:
    """A closed interval [start_s, end_s] of seconds."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        if self.start_s < 0:
            raise ValueError(f"time window start {self.start_s} s is negative")
        if self.end_s < self.start_s:
            raise ValueError(
                f"time window ends ({self.end_s} s) before it starts ({self.start_s} s)"
            )


@dataclass(frozen=True)
class Stop:
    """A visit to make: service starts inside one of the time windows (any time if none).

    An optional stop may be left out; leaving it out costs ``penalty_cents``. When
    ``vehicle_ids`` is not empty, only those vehicles may serve it.
    """

    id: str
    location_id: str
    demand: tuple[int, ...]
    service_s: int = 0
    time_windows: tuple[TimeWindow, ...] = ()
    kind: StopKind = StopKind.DELIVERY
    optional: bool = False
    penalty_cents: int = 0
    vehicle_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a stop needs a non-empty id")
        if any(quantity < 0 for quantity in self.demand):
            raise ValueError(f"stop {self.id!r}: negative demand {self.demand}")
        if self.service_s < 0:
            raise ValueError(f"stop {self.id!r}: negative service time {self.service_s} s")
        if self.penalty_cents < 0:
            raise ValueError(f"stop {self.id!r}: negative penalty {self.penalty_cents}")
        if self.penalty_cents and not self.optional:
            raise ValueError(f"stop {self.id!r}: a penalty only makes sense on an optional stop")
        ordered = sorted(self.time_windows, key=lambda window: window.start_s)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.start_s <= before.end_s:
                raise ValueError(f"stop {self.id!r}: time windows overlap")


@dataclass(frozen=True)
class Shipment:
    """A load collected at one stop (a PICKUP) and dropped at another (a DELIVERY)
    by the same vehicle, pickup first."""

    pickup_stop_id: str
    delivery_stop_id: str


@dataclass(frozen=True)
class Vehicle:
    """A vehicle and its shift.

    ``max_trips`` above 1 lets it come back to its start location to reload
    (``reload_s`` seconds each time) between trips. ``profile`` selects the
    travel-time profile of the matrix provider (a cargo bike is slower than a van).
    ``cost_per_hour_cents`` prices the time between leaving and coming back (the
    driver's): with it, a plan that waits hours at a stop costs what it is worth.
    """

    id: str
    start_location_id: str
    end_location_id: str
    capacity: tuple[int, ...]
    shift: TimeWindow
    max_distance_m: int | None = None
    cost_per_km_cents: int = 0
    fixed_cost_cents: int = 0
    profile: str = "default"
    max_trips: int = 1
    reload_s: int = 0
    cost_per_hour_cents: int = 0

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a vehicle needs a non-empty id")
        if any(quantity < 0 for quantity in self.capacity):
            raise ValueError(f"vehicle {self.id!r}: negative capacity {self.capacity}")
        if self.max_distance_m is not None and self.max_distance_m < 0:
            raise ValueError(f"vehicle {self.id!r}: negative maximum distance")
        if min(self.cost_per_km_cents, self.fixed_cost_cents, self.cost_per_hour_cents) < 0:
            raise ValueError(f"vehicle {self.id!r}: costs must not be negative")
        if self.max_trips < 1:
            raise ValueError(f"vehicle {self.id!r}: max_trips must be at least 1")
        if self.reload_s < 0:
            raise ValueError(f"vehicle {self.id!r}: negative reload time")


@dataclass(frozen=True)
class RoutingProblem:
    """Locations, stops, vehicles and shipments; ``dimensions`` names the load dimensions
    (e.g. ``("kg", "crates")``) that every demand and capacity tuple follows."""

    locations: tuple[Location, ...]
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]
    dimensions: tuple[str, ...] = ("load",)
    shipments: tuple[Shipment, ...] = ()

    def __post_init__(self) -> None:
        _check_unique("location", [location.id for location in self.locations])
        _check_unique("stop", [stop.id for stop in self.stops])
        _check_unique("vehicle", [vehicle.id for vehicle in self.vehicles])
        _check_unique("dimension", list(self.dimensions))
        if not self.vehicles:
            raise ValueError("a routing problem needs at least one vehicle")
        self._check_references()
        self._check_shipments()

    def _check_references(self) -> None:
        known = {location.id for location in self.locations}
        size = len(self.dimensions)
        for stop in self.stops:
            if stop.location_id not in known:
                raise ValueError(f"stop {stop.id!r}: unknown location id {stop.location_id!r}")
            if len(stop.demand) != size:
                raise ValueError(
                    f"stop {stop.id!r}: demand {stop.demand} has {len(stop.demand)} values, "
                    f"the problem has {size} dimensions {self.dimensions}"
                )
        vehicle_ids = {vehicle.id for vehicle in self.vehicles}
        for stop in self.stops:
            unknown = sorted(set(stop.vehicle_ids) - vehicle_ids)
            if unknown:
                raise ValueError(f"stop {stop.id!r}: unknown vehicle id(s) {unknown}")
        for vehicle in self.vehicles:
            for location_id in (vehicle.start_location_id, vehicle.end_location_id):
                if location_id not in known:
                    raise ValueError(f"vehicle {vehicle.id!r}: unknown location id {location_id!r}")
            if len(vehicle.capacity) != size:
                raise ValueError(
                    f"vehicle {vehicle.id!r}: capacity {vehicle.capacity} has "
                    f"{len(vehicle.capacity)} values, the problem has {size} dimensions"
                )

    def _check_shipments(self) -> None:
        stops = {stop.id: stop for stop in self.stops}
        paired = [s.pickup_stop_id for s in self.shipments]
        paired += [s.delivery_stop_id for s in self.shipments]
        _check_unique("shipment stop", paired)
        for shipment in self.shipments:
            pickup = stops.get(shipment.pickup_stop_id)
            delivery = stops.get(shipment.delivery_stop_id)
            if pickup is None or delivery is None:
                raise ValueError(f"shipment {shipment}: unknown stop id")
            if pickup.kind is not StopKind.PICKUP or delivery.kind is not StopKind.DELIVERY:
                raise ValueError(f"shipment {shipment}: needs a PICKUP stop then a DELIVERY stop")
            if pickup.demand != delivery.demand:
                raise ValueError(f"shipment {shipment}: pickup and delivery demands differ")
            if pickup.optional != delivery.optional:
                raise ValueError(f"shipment {shipment}: both stops must be optional or neither")
        if self.shipments:
            loose = [
                stop.id
                for stop in self.stops
                if stop.kind is StopKind.DELIVERY and stop.id not in paired
            ]
            if loose:
                # Loads from the depot and shipments on one vehicle need a load model that
                # tracks both; until then, such deliveries are shipments from the depot.
                raise ValueError(
                    f"stops {loose[:3]} deliver from the depot while the problem has shipments: "
                    "model them as shipments with a pickup stop at the depot"
                )

    def stop(self, stop_id: str) -> Stop:
        for stop in self.stops:
            if stop.id == stop_id:
                return stop
        raise KeyError(stop_id)


def _check_unique(what: str, ids: list[str]) -> None:
    duplicates = [item for item, count in Counter(ids).items() if count > 1]
    if duplicates:
        raise ValueError(f"duplicate {what} id(s): {sorted(duplicates)}")
