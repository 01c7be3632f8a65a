"""Seeded instances shaped like a rural delivery round (the Lensois), for benchmarks.

``lensois_like(seed, stops)`` draws, from ``random.Random(seed)`` only (the same
seed and size give the same instance on any machine):

- a square countryside of 100 x 100 units (think kilometres), with a few towns
  (one per 25 stops, at least 3): each town a centre drawn away from the edges and
  a spread of 1 to 4 units, the first one or two towns larger; 15 % of the stops
  are farms and hamlets scattered anywhere;
- the hub off-centre, in one quarter of the map but not at its corner;
- a day of 600 time units (travel time equals distance, as in the Solomon
  convention: one unit of distance per unit of time); each stop has a service
  time of 5 to 15 units, more for big deliveries;
- time windows of two kinds mixed: 40 % wide (the whole day, or its morning or
  afternoon half) and 60 % narrow (30 to 90 units, a market or a pick-up point's
  opening); every window is reachable straight from the hub, and a vehicle
  serving there can still be back before the end of the day;
- uneven demands: most stops 3 to 20 units, one in ten a big customer (a canteen,
  a shop) of 40 to 80, with vans of 200 and enough of them for the total load.

Coordinates are integers, so the instance is a ``routing.instances.Instance`` in
the Solomon convention (arc costs truncated to one decimal, scaled by 10) that both
our planner and a reference solver can be fed with.
"""

from __future__ import annotations

import math
import random

from routing.instances import (
    SOLOMON_SCALE,
    Customer,
    Instance,
    _matrices,
    _problem,
    solomon_distance,
)

SIDE = 100
DAY = 600
CAPACITY = 200
MIN_STOPS, MAX_STOPS = 50, 300


def lensois_like(seed: int, stops: int) -> Instance:
    """A seeded rural delivery instance of ``stops`` stops (50 to 300), see the module."""
    if not MIN_STOPS <= stops <= MAX_STOPS:
        raise ValueError(f"{stops} stops: expected {MIN_STOPS} to {MAX_STOPS}")
    rng = random.Random(seed)
    depot = _hub(rng)
    points = _places(rng, stops)
    customers = [Customer(0, depot[0], depot[1], 0, 0, DAY, 0)]
    for number, (x, y) in enumerate(points, start=1):
        demand = rng.randint(40, 80) if rng.random() < 0.1 else rng.randint(3, 20)
        service = rng.randint(5, 15) + demand // 10
        ready, due = _window(rng, solomon_distance(depot, (x, y)), service)
        customers.append(Customer(number, x, y, demand, ready, due, service))
    total = sum(c.demand for c in customers)
    vehicles = math.ceil(1.5 * total / CAPACITY) + 2
    frozen = tuple(customers)
    matrices = _matrices(frozen, SOLOMON_SCALE, solomon_distance)
    problem = _problem(frozen, vehicles, CAPACITY, SOLOMON_SCALE, shipments=())
    name = f"gen{stops}_{seed}"
    return Instance(name, frozen, vehicles, CAPACITY, SOLOMON_SCALE, problem, matrices)


def _hub(rng: random.Random) -> tuple[float, float]:
    """In one quarter of the map, between a fifth and two fifths of each side."""
    x, y = rng.uniform(0.2, 0.4) * SIDE, rng.uniform(0.2, 0.4) * SIDE
    if rng.random() < 0.5:
        x = SIDE - x
    if rng.random() < 0.5:
        y = SIDE - y
    return round(x), round(y)


def _places(rng: random.Random, stops: int) -> list[tuple[float, float]]:
    towns = max(3, stops // 25)
    centres = [(rng.uniform(10, SIDE - 10), rng.uniform(10, SIDE - 10)) for _ in range(towns)]
    spreads = [rng.uniform(1.0, 4.0) for _ in range(towns)]
    weights = [3.0, 2.0] + [1.0] * (towns - 2)
    points = []
    for _ in range(stops):
        if rng.random() < 0.15:
            x, y = rng.uniform(0, SIDE), rng.uniform(0, SIDE)
        else:
            town = rng.choices(range(towns), weights)[0]
            x = rng.gauss(centres[town][0], spreads[town])
            y = rng.gauss(centres[town][1], spreads[town])
        points.append((float(min(SIDE, max(0, round(x)))), float(min(SIDE, max(0, round(y))))))
    return points


def _window(rng: random.Random, from_hub: float, service: int) -> tuple[int, int]:
    """A window whose start the hub reaches and after which the van gets back."""
    earliest = math.ceil(from_hub)
    latest = math.floor(DAY - service - from_hub)
    if rng.random() < 0.4:
        ready, due = rng.choice(((0, DAY), (0, DAY // 2), (DAY // 2, DAY)))
    else:
        width = rng.randint(30, 90)
        ready = rng.randint(0, max(0, DAY - width))
        due = ready + width
    ready, due = max(ready, earliest), min(due, latest)
    if due < ready:  # too short once clipped: the stop's whole reachable day
        ready, due = earliest, latest
    return ready, due
