"""Shared plumbing of the routing benchmarks: paths, arguments, the PyVRP reference
solver fed with the very same integer data, and the table printing.

The planner itself runs PyVRP's search beside OR-Tools' on these instances (see
``routing.pyvrp_search``), with the next seed after the reference's: the comparison is
then between two runs of that search that differ by their seed and by OR-Tools' plan,
which wins where it is cheaper. ``--no-hybrid`` measures OR-Tools alone.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # run as a script: make the repository importable
    sys.path.insert(0, str(REPO_ROOT))

from routing.instances import Instance, route_cost  # noqa: E402
from routing.matrices import MatrixProvider, TravelMatrices  # noqa: E402
from routing.model import RoutingProblem, StopKind  # noqa: E402
from routing.solomon import customer_routes, solve_solomon  # noqa: E402

DATA_DIR = REPO_ROOT / ".." / "shared" / "data" / "vrp"


def parser(description: str, default_time_limit: float = 10.0) -> argparse.ArgumentParser:
    """Arguments every benchmark takes."""
    parsed = argparse.ArgumentParser(description=description)
    parsed.add_argument(
        "--instance-file", action="append", default=[],
        help="an instance file or a folder of them (repeatable)",
    )
    parsed.add_argument("--time-limit", type=float, default=default_time_limit)
    parsed.add_argument("--workers", type=int, default=2, help="parallel searches (ours)")
    parsed.add_argument("--seed", type=int, default=0)
    parsed.add_argument("--no-pyvrp", action="store_true", help="skip the reference solver")
    parsed.add_argument(
        "--no-hybrid", action="store_true", help="our planner on OR-Tools alone (no PyVRP in it)"
    )
    return parsed


def instance_files(given: Sequence[str], default_dir: Path, pattern: str) -> list[Path]:
    """Files named on the command line (folders expanded), else the default folder's."""
    roots = [Path(item) for item in given] or [default_dir]
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files += sorted(root.glob(pattern))
        elif root.is_file():
            files.append(root)
        else:
            raise SystemExit(f"no such instance file or folder: {root}")
    return files


def read_bks(path: Path) -> dict[str, tuple[int, float]]:
    """Best knowns from a CSV with columns instance, vehicles, distance."""
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        return {
            row["instance"].lower(): (int(row["vehicles"]), float(row["distance"]))
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True)
class ReferenceOutcome:
    """PyVRP's best solution: objective in our cost units, distance, routes, feasibility."""

    cost: int
    distance: int
    routes: int
    feasible: bool
    seconds: float


def solve_with_pyvrp(
    problem: RoutingProblem,
    provider: MatrixProvider,
    time_limit_s: float,
    seed: int = 0,
    stop_ids: Iterable[str] | None = None,
) -> ReferenceOutcome:
    """Solves the same problem (only ``stop_ids`` if given) with PyVRP."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    keep = set(stop_ids) if stop_ids is not None else {stop.id for stop in problem.stops}
    profiles = sorted({vehicle.profile for vehicle in problem.vehicles})
    matrices = {p: provider.travel_matrices(problem.locations, p) for p in profiles}
    model = Model()
    places = [model.add_location(x=0, y=0, name=loc.id) for loc in problem.locations]
    depots = _add_depots(model, problem, places)
    _add_visits(model, problem, places, keep)
    pyvrp_profiles = {p: model.add_profile(name=p) for p in profiles}
    _add_fleet(model, problem, depots, pyvrp_profiles)
    _add_edges(model, places, matrices, pyvrp_profiles)
    started = time.perf_counter()
    result = model.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    best = result.best
    return ReferenceOutcome(
        cost=round(result.cost()) if best.is_feasible() else -1,
        distance=best.distance(),
        routes=best.num_routes(),
        feasible=best.is_feasible(),
        seconds=time.perf_counter() - started,
    )


def _add_depots(model: Any, problem: RoutingProblem, places: list[Any]) -> dict[str, Any]:
    index = {loc.id: i for i, loc in enumerate(problem.locations)}
    reload_s = max(vehicle.reload_s for vehicle in problem.vehicles)
    depots: dict[str, Any] = {}
    for vehicle in problem.vehicles:
        for location_id in (vehicle.start_location_id, vehicle.end_location_id):
            if location_id not in depots:
                depots[location_id] = model.add_depot(
                    places[index[location_id]], service_duration=reload_s, name=location_id
                )
    return depots


def _add_visits(model: Any, problem: RoutingProblem, places: list[Any], keep: set[str]) -> None:
    index = {loc.id: i for i, loc in enumerate(problem.locations)}
    paired = {s.pickup_stop_id for s in problem.shipments}
    paired |= {s.delivery_stop_id for s in problem.shipments}
    none = [0] * len(problem.dimensions)
    for stop in problem.stops:
        if stop.id in paired or stop.id not in keep:
            continue
        early, late = _window(stop.time_windows)
        model.add_client(
            places[index[stop.location_id]],
            delivery=list(stop.demand) if stop.kind is StopKind.DELIVERY else none,
            pickup=list(stop.demand) if stop.kind is StopKind.PICKUP else none,
            service_duration=stop.service_s,
            tw_early=early,
            tw_late=late,
            prize=stop.penalty_cents * 1000,
            required=not stop.optional,
            name=stop.id,
        )
    for shipment in problem.shipments:
        pickup, delivery = problem.stop(shipment.pickup_stop_id), problem.stop(
            shipment.delivery_stop_id
        )
        if pickup.id not in keep:
            continue
        (p_early, p_late), (d_early, d_late) = (
            _window(pickup.time_windows), _window(delivery.time_windows)
        )
        model.add_shipment(
            places[index[pickup.location_id]], places[index[delivery.location_id]],
            pickup_tw_early=p_early, pickup_tw_late=p_late,
            pickup_service_duration=pickup.service_s,
            delivery_tw_early=d_early, delivery_tw_late=d_late,
            delivery_service_duration=delivery.service_s,
            amount=list(pickup.demand),
            prize=(pickup.penalty_cents + delivery.penalty_cents) * 1000,
            required=not pickup.optional,
        )


def _window(windows: Sequence[Any]) -> tuple[int, int]:
    if len(windows) > 1:
        raise ValueError("PyVRP takes one time window per visit")
    if not windows:
        return 0, 2**62
    return windows[0].start_s, windows[0].end_s


def _add_fleet(
    model: Any, problem: RoutingProblem, depots: Mapping[str, Any], profiles: Mapping[str, Any]
) -> None:
    """One vehicle type per group of identical vehicles."""
    groups: dict[tuple[Any, ...], int] = {}
    for vehicle in problem.vehicles:
        key = (
            vehicle.start_location_id, vehicle.end_location_id, vehicle.capacity,
            vehicle.shift, vehicle.max_distance_m, vehicle.cost_per_km_cents,
            vehicle.fixed_cost_cents, vehicle.profile, vehicle.max_trips,
        )
        groups[key] = groups.get(key, 0) + 1
    for key, count in groups.items():
        start, end, capacity, shift, max_distance, per_km, fixed, profile, trips = key
        extra: dict[str, Any] = {}
        if max_distance is not None:
            extra["max_distance"] = max_distance
        if trips > 1:
            extra["reload_depots"] = [depots[start]]
            extra["max_reloads"] = trips - 1
        model.add_vehicle_type(
            count, capacity=list(capacity), start_depot=depots[start], end_depot=depots[end],
            fixed_cost=fixed * 1000, tw_early=shift.start_s, tw_late=shift.end_s,
            unit_distance_cost=per_km, profile=profiles[profile], **extra,
        )


def _add_edges(
    model: Any,
    places: list[Any],
    matrices: Mapping[str, TravelMatrices],
    profiles: Mapping[str, Any],
) -> None:
    for name, matrix in matrices.items():
        for i, frm in enumerate(places):
            for j, to in enumerate(places):
                model.add_edge(
                    frm, to, matrix.distance_m[i][j], matrix.duration_s[i][j],
                    profile=profiles[name],
                )


def compare(
    instance: Instance, args: argparse.Namespace, known: tuple[int, float] | None
) -> Row:
    """Solves a VRPTW instance (every customer mandatory) with ours, then with PyVRP
    given the same time, and checks that our routes visit each customer once."""
    started = time.perf_counter()
    result = solve_solomon(
        instance, time_limit_s=args.time_limit, workers=args.workers, seed=args.seed,
        hybrid=not args.no_hybrid,
    )
    seconds = time.perf_counter() - started
    ours = checked_cost(instance, customer_routes(result)) if not result.unserved else None
    reference, reference_routes, reference_seconds = None, 0, 0.0
    if not args.no_pyvrp:
        outcome = solve_with_pyvrp(
            instance.problem, instance.matrices, args.time_limit, seed=args.seed
        )
        if outcome.feasible:
            reference = outcome.distance / instance.scale
        reference_routes, reference_seconds = outcome.routes, outcome.seconds
    return Row(
        instance.name, ours, len(result.routes), seconds, reference, reference_routes,
        reference_seconds, known[1] if known else None, known[0] if known else None,
    )


def checked_cost(instance: Instance, routes: list[list[int]]) -> float:
    """The routes' cost in the instance's convention, once sure each customer is
    visited exactly once."""
    visited = sorted(c for route in routes for c in route)
    if visited != list(range(1, len(instance.customers))):
        raise AssertionError(f"{instance.name}: customers not each visited once")
    return round(sum(route_cost(instance, route) for route in routes), 1)


@dataclass(frozen=True)
class Row:
    """One instance: our cost and PyVRP's in the instance's units, the best known."""

    name: str
    ours: float | None
    ours_vehicles: int
    ours_seconds: float
    reference: float | None
    reference_vehicles: int
    reference_seconds: float
    best_known: float | None
    best_known_vehicles: int | None


def gap_pct(cost: float | None, best: float | None) -> float | None:
    if cost is None or not best:
        return None
    return 100.0 * (cost - best) / best


def print_setup(args: argparse.Namespace) -> None:
    """Says what runs on each side."""
    engines = "OR-Tools alone" if args.no_hybrid else "OR-Tools beside PyVRP (seed + 1)"
    print(f"# ours: {args.workers} searches in parallel, {engines}; "
          f"pyvrp: 1 core, seed {args.seed}; {args.time_limit} s each")


def print_header() -> None:
    print(
        f"{'instance':<10} {'ours':>10} {'pyvrp':>10} {'bks':>10} {'gap%':>7} {'pyvrp%':>7} "
        f"{'veh':>4} {'pveh':>4} {'bveh':>4} {'s':>5} {'ps':>5}",
        flush=True,
    )


def print_row(row: Row) -> None:
    print(
        f"{row.name:<10} {_num(row.ours):>10} {_num(row.reference):>10} "
        f"{_num(row.best_known):>10} {_num(gap_pct(row.ours, row.best_known), 2):>7} "
        f"{_num(gap_pct(row.reference, row.best_known), 2):>7} {row.ours_vehicles:>4} "
        f"{row.reference_vehicles:>4} {row.best_known_vehicles or '-':>4} "
        f"{row.ours_seconds:>5.1f} {row.reference_seconds:>5.1f}",
        flush=True,
    )


def summary_line(rows: Sequence[Row]) -> str:
    """``mean_gap_pct=X ratio_vs_pyvrp=Y instances=N``: the mean gap of ours to the
    best knowns over instances that have one, and the mean of our cost over PyVRP's."""
    gaps = [g for g in (gap_pct(r.ours, r.best_known) for r in rows) if g is not None]
    ratios = [r.ours / r.reference for r in rows if r.ours is not None and r.reference]
    mean_gap = f"{sum(gaps) / len(gaps):.3f}" if gaps else "nan"
    ratio = f"{sum(ratios) / len(ratios):.4f}" if ratios else "nan"
    return f"mean_gap_pct={mean_gap} ratio_vs_pyvrp={ratio} instances={len(rows)}"


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"
