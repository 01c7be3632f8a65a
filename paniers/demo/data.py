"""Reading the demo data files (CSV with a leading ``# source:`` line)."""

from __future__ import annotations

import csv
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
