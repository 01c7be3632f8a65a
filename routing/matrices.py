"""Travel matrices: distances in metres and durations in seconds between locations.

``MatrixProvider`` is the seam: the default estimates from coordinates, the explicit
provider serves given matrices, and a road-network provider (an OSRM table service,
say) can be plugged in later with the same method.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from routing.model import Location

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class TravelMatrices:
    """Square matrices in the order of the locations they were built for."""

    distance_m: tuple[tuple[int, ...], ...]
    duration_s: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        size = len(self.distance_m)
        for name, matrix in (("distance", self.distance_m), ("duration", self.duration_s)):
            if len(matrix) != size or any(len(row) != size for row in matrix):
                raise ValueError(f"{name} matrix is not {size} x {size}")
            if any(value < 0 for row in matrix for value in row):
                raise ValueError(f"{name} matrix has a negative entry")


class MatrixProvider(Protocol):
    """Anything that can give travel matrices for locations and a vehicle profile."""

    def travel_matrices(self, locations: Sequence[Location], profile: str) -> TravelMatrices:
        """Matrices between ``locations`` (in that order) for vehicles of ``profile``."""
        ...


def haversine_m(a: Location, b: Location) -> float:
    """Great-circle distance in metres between two located places."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        raise ValueError(f"locations {a.id!r} and {b.id!r} need coordinates")
    phi_a, phi_b = math.radians(a.latitude), math.radians(b.latitude)
    d_phi = phi_b - phi_a
    d_lambda = math.radians(b.longitude - a.longitude)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class HaversineMatrixProvider:
    """Estimates road distance as great-circle distance times a detour factor, and
    duration at an average speed (per profile, ``speed_kmh`` when not listed).

    With ``open_road_speed_kmh``, a profile listed in ``open_road_profiles`` (all of
    them when it is empty) drives the part of a leg beyond ``town_m`` metres at that
    speed: a long leg leaves the towns for the main roads (Lens to Lille or Dunkerque
    by the motorway), a short one stays in town traffic.
    """

    detour_factor: float = 1.3
    speed_kmh: float = 40.0
    profile_speeds_kmh: Mapping[str, float] = field(default_factory=dict)
    open_road_speed_kmh: float | None = None
    town_m: int = 10_000
    open_road_profiles: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.detour_factor < 1.0:
            raise ValueError(f"detour factor {self.detour_factor} is below 1")
        speeds = [self.speed_kmh, *self.profile_speeds_kmh.values()]
        if self.open_road_speed_kmh is not None:
            speeds.append(self.open_road_speed_kmh)
        if any(speed <= 0 for speed in speeds):
            raise ValueError("speeds must be positive")
        if self.town_m < 0:
            raise ValueError(f"town distance {self.town_m} m is negative")

    def travel_matrices(self, locations: Sequence[Location], profile: str) -> TravelMatrices:
        speed_m_per_s = self.profile_speeds_kmh.get(profile, self.speed_kmh) / 3.6
        distance = [
            [round(haversine_m(a, b) * self.detour_factor) for b in locations] for a in locations
        ]
        open_road_kmh = self.open_road_speed_kmh
        if open_road_kmh is None or (self.open_road_profiles
                                     and profile not in self.open_road_profiles):
            duration = [[round(metres / speed_m_per_s) for metres in row] for row in distance]
            return TravelMatrices(_freeze(distance), _freeze(duration))
        fast_m_per_s = max(open_road_kmh / 3.6, speed_m_per_s)
        duration = [
            [round(min(metres, self.town_m) / speed_m_per_s
                   + max(0, metres - self.town_m) / fast_m_per_s) for metres in row]
            for row in distance
        ]
        return TravelMatrices(_freeze(distance), _freeze(duration))


@dataclass(frozen=True)
class ExplicitMatrixProvider:
    """Serves given matrices, indexed by ``location_ids``; ``profile_durations_s`` may
    override the durations for some profiles."""

    location_ids: tuple[str, ...]
    matrices: TravelMatrices
    profile_durations_s: Mapping[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.location_ids) != len(self.matrices.distance_m):
            raise ValueError(
                f"{len(self.location_ids)} location ids for a "
                f"{len(self.matrices.distance_m)} x {len(self.matrices.distance_m)} matrix"
            )
        if len(set(self.location_ids)) != len(self.location_ids):
            raise ValueError("duplicate location ids in the explicit matrix")

    def travel_matrices(self, locations: Sequence[Location], profile: str) -> TravelMatrices:
        position = {location_id: i for i, location_id in enumerate(self.location_ids)}
        missing = [location.id for location in locations if location.id not in position]
        if missing:
            raise ValueError(f"no matrix entry for location id(s) {missing}")
        order = [position[location.id] for location in locations]
        durations = self.profile_durations_s.get(profile, self.matrices.duration_s)
        return TravelMatrices(
            _freeze([[self.matrices.distance_m[i][j] for j in order] for i in order]),
            _freeze([[durations[i][j] for j in order] for i in order]),
        )


def _freeze(matrix: list[list[int]]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(row) for row in matrix)
