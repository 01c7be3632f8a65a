"""Reading the demo data files (CSV with a leading ``# source:`` line)."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def rows(name: str, folder: Path = DATA) -> Iterator[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(line for line in handle if not line.startswith("#"))


def supplied_products(folder: Path = DATA) -> dict[str, str]:
    """Product name -> code of the one supplier that offers it (``suppliers.csv``)."""
    return {product: row["farm"] for row in rows("suppliers", folder)
            for product in row["products"].split(";")}


def window_minutes(spec: str) -> tuple[int, int] | None:
    """``"Fri 13:00-16:00"`` -> (780, 960); empty -> None."""
    if not spec.strip():
        return None
    hours = spec.split()[-1]
    start, end = hours.split("-")
    return _minutes(start), _minutes(end)


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def road_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Great-circle distance times a detour factor of 1.3: roads are not straight."""
    radius_m = 6_371_000
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return round(2 * radius_m * math.asin(math.sqrt(a)) * 1.3)
