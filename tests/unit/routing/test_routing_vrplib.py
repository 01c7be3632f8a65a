"""The VRPLIB VRPTW reader, on a small hand-written file and on the shared
Gehring & Homberger instances."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.instances import read_solution, read_vrplib, route_cost, route_violations

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "vrp"
SMALL = """NAME : tiny
COMMENT : hand-written for the tests
TYPE : CVRPTW
DIMENSION : 4
VEHICLES : 2
CAPACITY : 10
SERVICE_TIME : 5
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 0 10
4 1 1
DEMAND_SECTION
1 0
2 4
3 6
4 5
TIME_WINDOW_SECTION
1 0 100
2 0 20
3 10 40
4 50 60
DEPOT_SECTION
1
-1
EOF
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.vrp"
    path.write_text(SMALL)
    return path


def test_a_small_vrplib_file_reads_into_a_problem_scaled_by_ten(tiny: Path) -> None:
    instance = read_vrplib(tiny)

    assert (instance.name, instance.vehicles, instance.capacity) == ("tiny", 2, 10)
    assert [c.number for c in instance.customers] == [0, 1, 2, 3]
    assert [s.id for s in instance.problem.stops] == ["1", "2", "3"]
    second = instance.problem.stops[1]
    assert second.demand == (6,)
    assert (second.time_windows[0].start_s, second.time_windows[0].end_s) == (100, 400)
    assert second.service_s == 50
    assert instance.customers[0].service == 0  # the depot serves nobody
    shift = instance.problem.vehicles[0].shift
    assert (shift.start_s, shift.end_s) == (0, 1000)
    assert len(instance.problem.vehicles) == 2
    # (3, 4) to (0, 10): 6.708... truncated to 6.7
    assert route_cost(instance, [1, 2]) == pytest.approx(5.0 + 6.7 + 10.0)


def test_route_violations_name_the_load_and_the_late_arrival(tiny: Path) -> None:
    instance = read_vrplib(tiny)

    assert route_violations(instance, [1, 2]) == []
    # 4 + 6 + 5 is over 10; customer 3 opens at 50, so 2 (due 40) is reached too late
    problems = route_violations(instance, [1, 3, 2])
    assert problems[0] == "load over capacity 10"
    assert problems[1].startswith("arrives at 2 at")


def test_a_file_with_a_depot_elsewhere_than_node_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.vrp"
    path.write_text(SMALL.replace("DEPOT_SECTION\n1\n", "DEPOT_SECTION\n2\n"))

    with pytest.raises(ValueError, match="node 1 as the only depot"):
        read_vrplib(path)


@pytest.mark.skipif(
    not (DATA / "gh200").is_dir(), reason="the shared benchmark data ../shared/data/vrp is absent"
)
def test_a_gehring_homberger_instance_and_its_best_known_routes() -> None:
    instance = read_vrplib(DATA / "gh200" / "RC1_2_1.vrp")
    routes, cost = read_solution(DATA / "gh200" / "RC1_2_1.sol")

    assert len(instance.problem.stops) == 200
    assert sorted(c for route in routes for c in route) == list(range(1, 201))
    assert [p for route in routes for p in route_violations(instance, route)] == []
    assert cost is not None
    assert sum(route_cost(instance, route) for route in routes) == pytest.approx(cost, abs=0.05)
