"""The benchmark readers and the Solomon command line, on the shared data files."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from routing.instances import read_li_lim, read_solomon
from routing.solomon import main
from routing.solver import plan_routes

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "vrp"
pytestmark = pytest.mark.skipif(
    not DATA.is_dir(), reason="the shared benchmark data ../shared/data/vrp is absent"
)


def test_the_solomon_reader_scales_the_instance_by_ten() -> None:
    instance = read_solomon(DATA / "solomon" / "C101.txt")

    assert (instance.name, instance.vehicles, instance.capacity) == ("C101", 25, 200)
    assert len(instance.problem.stops) == 100
    first = instance.problem.stops[0]
    assert first.demand == (10,)
    assert (first.time_windows[0].start_s, first.time_windows[0].end_s) == (9120, 9670)
    assert first.service_s == 900
    # depot (40, 50) to customer 1 (45, 68): 18.68... truncated to 18.6
    assert instance.matrices.matrices.distance_m[0][1] == 186


@pytest.mark.slow
def test_the_solomon_command_prints_every_customer_once_and_the_cost_of_its_routes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([str(DATA / "solomon" / "C101.txt"), "--time-limit", "2", "--workers", "1"]) == 0

    lines = capsys.readouterr().out.strip().splitlines()
    routes = [[int(c) for c in line.split(":")[1].split()] for line in lines[:-1]]
    assert all(re.match(r"Route #\d+: ", line) for line in lines[:-1])
    assert sorted(c for route in routes for c in route) == list(range(1, 101))
    points = _solomon_points(DATA / "solomon" / "C101.txt")
    recomputed = sum(
        math.trunc(10 * math.dist(points[a], points[b])) / 10
        for route in routes
        for a, b in zip([0, *route], [*route, 0], strict=True)
    )
    assert lines[-1] == f"Cost {recomputed:.1f}"
    assert len(routes) <= 25


def test_the_li_lim_reader_pairs_each_pickup_with_its_delivery() -> None:
    instance = read_li_lim(DATA / "pdptw" / "lc101.txt")

    assert (instance.vehicles, instance.capacity) == (25, 200)
    assert len(instance.problem.shipments) * 2 == len(instance.problem.stops)
    first = instance.problem.shipments[0]
    assert (first.pickup_stop_id, first.delivery_stop_id) == ("3", "75")


@pytest.mark.slow
def test_a_li_lim_plan_keeps_each_pair_on_one_vehicle_pickup_first() -> None:
    instance = read_li_lim(DATA / "pdptw" / "lc101.txt")

    result = plan_routes(instance.problem, time_limit_s=2, matrix_provider=instance.matrices)

    assert not result.unserved
    position = {
        stop_id: (route.vehicle_id, i)
        for route in result.routes
        for i, stop_id in enumerate(route.stop_ids)
    }
    for shipment in instance.problem.shipments:
        pickup, delivery = position[shipment.pickup_stop_id], position[shipment.delivery_stop_id]
        assert pickup[0] == delivery[0]
        assert pickup[1] < delivery[1]


def _solomon_points(path: Path) -> dict[int, tuple[float, float]]:
    rows = [line.split() for line in path.read_text().splitlines()]
    return {
        int(r[0]): (float(r[1]), float(r[2]))
        for r in rows
        if len(r) == 7 and all(w.replace(".", "").isdigit() for w in r)
    }
