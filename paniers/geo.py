"""Distances between places of the network, as the importer, the pages and the demo
estimate them before any routing: the great circle times a detour factor."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_000
ROAD_DETOUR = 1.3  # roads are not straight


def road_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(h)) * ROAD_DETOUR)
