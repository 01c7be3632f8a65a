"""Benchmark: the real weekly delivery run of the Lensois against PyVRP given 30 s.

Run from the repository root: ``.venv/bin/python tests/benchmarks/vrp_lensois.py``.
The hub, points and fleet come from ``paniers/demo/data/network.csv`` and
``fleet.csv``; until the allocation produces real weeks the demand is a
deterministic demo week: 60 % of each point's basket capacity, 4.5 kg and one crate
per basket, the school canteen 55 kg / 6 crates, the residence 15 kg / 2 crates.
Vans may reload at the hub (``--max-trips``). Farms are not stops of this run.
"""

from __future__ import annotations

import csv
from pathlib import Path

from vrp_common import REPO_ROOT, parser, solve_with_pyvrp

from routing.matrices import HaversineMatrixProvider
from routing.model import Location, RoutingProblem, Stop, TimeWindow, Vehicle
from routing.result import RoutingResult
from routing.screening import screen_stops
from routing.solver import plan_routes

DEMO = REPO_ROOT / "paniers" / "demo" / "data"
CANTEEN_DEMAND = {"canteen-loos-school": (55, 6), "canteen-loos-residence": (15, 2)}
PROVIDER = HaversineMatrixProvider(detour_factor=1.3, speed_kmh=40.0,
                                   profile_speeds_kmh={"cargo_bike": 15.0})
LIMITS_S = (0.2, 0.5, 1.0, 2.0, 5.0)


def read_rows(path: Path) -> list[dict[str, str]]:
    """CSV rows, skipping the ``# source:`` line and any other comment line."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def clock_s(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def window(text: str) -> TimeWindow:
    """``Fri 13:00-16:00`` as seconds since midnight of the delivery day."""
    start, end = text.split()[-1].split("-")
    return TimeWindow(clock_s(start), clock_s(end))


def demand(row: dict[str, str]) -> tuple[int, int]:
    if row["id"] in CANTEEN_DEMAND:
        return CANTEEN_DEMAND[row["id"]]
    baskets = round(0.6 * int(row["capacity_baskets"]))
    return round(4.5 * baskets), baskets


def demo_week(max_trips: int, reload_s: int = 900) -> RoutingProblem:
    network = read_rows(DEMO / "network.csv")
    locations = tuple(Location(r["id"], float(r["lat"]), float(r["lon"])) for r in network)
    stops = tuple(
        Stop(r["id"], r["id"], demand(r), service_s=300 + 20 * demand(r)[1],
             time_windows=(window(r["delivery_window"]),))
        for r in network if r["kind"] not in ("hub", "farm")
    )
    vehicles = tuple(
        Vehicle(
            r["id"], r["start"], r["end"], (int(r["capacity_kg"]), int(r["capacity_crates"])),
            window(r["shift"]),
            max_distance_m=int(float(r["max_km"]) * 1000) if r["max_km"] else None,
            cost_per_km_cents=round(float(r["cost_per_km_eur"]) * 100),
            profile=r["kind"], max_trips=max_trips, reload_s=reload_s,
        )
        for r in read_rows(DEMO / "fleet.csv")
    )
    return RoutingProblem(locations, stops, vehicles, ("kg", "crates"))


def describe(result: RoutingResult) -> None:
    for route in result.routes:
        stops = " ".join("|" if v.is_reload else (v.stop_id or "") for v in route.visits)
        print(f"  {route.vehicle_id}: {route.distance_m / 1000:.1f} km, "
              f"{route.cost_cents / 100:.2f} EUR: {stops}")
    for unserved in result.unserved:
        print(f"  unserved {unserved.stop_id}: {unserved.reason.value}")


def main() -> None:
    arguments = parser(__doc__ or "", default_time_limit=30.0)
    arguments.add_argument("--max-trips", type=int, default=3)
    args = arguments.parse_args()
    problem = demo_week(args.max_trips)
    crates = sum(stop.demand[1] for stop in problem.stops)
    print(f"# {len(problem.stops)} stops, {crates} crates, {len(problem.vehicles)} vehicles, "
          f"up to {args.max_trips} trips each")
    results = {}
    for limit in LIMITS_S:
        result = plan_routes(problem, time_limit_s=limit, seed=args.seed,
                             matrix_provider=PROVIDER, workers=args.workers)
        results[limit] = result
        print(f"ours {limit:>4} s: cost {result.total_cost_cents / 100:.2f} EUR, "
              f"{result.total_distance_m / 1000:.1f} km, {len(result.unserved)} unserved, "
              f"status {result.status.value}, wall {result.wall_time_s:.2f} s", flush=True)
    describe(results[1.0])
    if args.no_pyvrp:
        return
    matrices = {v.profile: PROVIDER.travel_matrices(problem.locations, v.profile)
                for v in problem.vehicles}
    servable = screen_stops(problem, matrices).allowed_vehicles
    reference = solve_with_pyvrp(problem, PROVIDER, args.time_limit, args.seed, servable)
    pyvrp_cents = reference.cost / 1000
    print(f"pyvrp {args.time_limit} s: cost {pyvrp_cents / 100:.2f} EUR, "
          f"{reference.distance / 1000:.1f} km, feasible {reference.feasible}")
    reached = [t for t in LIMITS_S if results[t].total_cost_cents <= round(pyvrp_cents)]
    first = f"{min(reached)}" if reached else "not within 5"
    print(f"ours_s_to_pyvrp_cost={first} ours_1s_eur={results[1.0].total_cost_cents / 100:.2f} "
          f"pyvrp_eur={pyvrp_cents / 100:.2f}")


if __name__ == "__main__":
    main()
