"""Problem data refuses what cannot be planned, with a message saying why."""

from __future__ import annotations

import pytest
from line_instances import DAY, line_problem, stop, van

from routing import (
    ExplicitMatrixProvider,
    HaversineMatrixProvider,
    Location,
    RoutingProblem,
    Shipment,
    Stop,
    StopKind,
    TimeWindow,
    TravelMatrices,
    Vehicle,
)


def test_a_negative_demand_is_refused() -> None:
    with pytest.raises(ValueError, match="negative demand"):
        Stop("a", "a", (-1,))


def test_a_demand_with_the_wrong_number_of_dimensions_is_refused() -> None:
    with pytest.raises(ValueError, match="2 dimensions"):
        RoutingProblem((Location("depot"), Location("a")), (Stop("a", "a", (1,)),),
                       (Vehicle("v", "depot", "depot", (10, 2), DAY),), ("kg", "crates"))


def test_a_window_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends .* before it starts"):
        TimeWindow(100, 50)


def test_overlapping_windows_of_a_stop_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        stop("a", time_windows=(TimeWindow(0, 100), TimeWindow(50, 200)))


def test_an_unknown_location_id_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown location id 'nowhere'"):
        line_problem({"a": 10}, [Stop("a", "nowhere", (1,))], [van()])


def test_duplicate_stop_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate stop"):
        line_problem({"a": 10}, [stop("a"), stop("a")], [van()])


def test_a_penalty_on_a_mandatory_stop_is_refused() -> None:
    with pytest.raises(ValueError, match="optional"):
        stop("a", penalty_cents=100)


def test_a_shipment_must_go_from_a_pickup_to_a_delivery_of_the_same_load() -> None:
    pickup, delivery = stop("farm", 3, kind=StopKind.PICKUP), stop("shop", 2)
    with pytest.raises(ValueError, match="demands differ"):
        line_problem({"farm": 1, "shop": 2}, [pickup, delivery], [van()],
                     (Shipment("farm", "shop"),))


def test_a_problem_without_vehicles_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one vehicle"):
        RoutingProblem((Location("depot"),), (), ())


def test_coordinates_must_be_on_the_globe() -> None:
    with pytest.raises(ValueError, match="latitude"):
        Location("x", 95.0, 2.0)


def test_the_default_matrices_follow_the_great_circle_with_a_detour_and_a_speed() -> None:
    lens, one_degree_north = Location("lens", 50.0, 2.8), Location("north", 51.0, 2.8)
    provider = HaversineMatrixProvider(detour_factor=1.3, speed_kmh=36.0,
                                       profile_speeds_kmh={"bike": 18.0})

    van_matrices = provider.travel_matrices([lens, one_degree_north], "van")
    bike_matrices = provider.travel_matrices([lens, one_degree_north], "bike")

    metres = van_matrices.distance_m[0][1]
    assert metres == pytest.approx(1.3 * 111_195, rel=1e-3)
    assert van_matrices.duration_s[0][1] == round(metres / 10)
    assert bike_matrices.duration_s[0][1] == round(metres / 5)
    assert van_matrices.distance_m[0][0] == 0


def test_a_long_leg_leaves_town_for_the_open_road_and_a_short_one_does_not() -> None:
    lens = Location("lens", 50.43, 2.83)
    next_door = Location("next-door", 50.45, 2.83)  # 2.2 km away: 2.9 km of road
    dunkerque = Location("dunkerque", 51.04, 2.38)
    provider = HaversineMatrixProvider(detour_factor=1.3, speed_kmh=36.0,
                                       profile_speeds_kmh={"bike": 18.0},
                                       open_road_speed_kmh=90.0, town_m=10_000,
                                       open_road_profiles=frozenset({"van"}))

    van_matrices = provider.travel_matrices([lens, next_door, dunkerque], "van")
    bike_matrices = provider.travel_matrices([lens, next_door, dunkerque], "bike")

    short, long = van_matrices.distance_m[0][1], van_matrices.distance_m[0][2]
    assert van_matrices.duration_s[0][1] == round(short / 10)
    # The first 10 km at 36 km/h, the rest at 90 km/h: an hour and a quarter, not two and a half.
    assert van_matrices.duration_s[0][2] == round(1000 + (long - 10_000) / 25)
    assert 4000 < van_matrices.duration_s[0][2] < 5000
    assert bike_matrices.duration_s[0][2] == round(long / 5)


def test_a_stop_reserved_for_an_unknown_vehicle_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown vehicle id"):
        line_problem({"a": 10}, [stop("a", vehicle_ids=("ghost",))], [van()])


def test_explicit_matrices_are_served_in_the_order_asked_and_refuse_unknown_ids() -> None:
    matrices = TravelMatrices(((0, 5), (7, 0)), ((0, 50), (70, 0)))
    provider = ExplicitMatrixProvider(("a", "b"), matrices)

    swapped = provider.travel_matrices([Location("b"), Location("a")], "any")

    assert swapped.distance_m == ((0, 7), (5, 0))
    with pytest.raises(ValueError, match="no matrix entry"):
        provider.travel_matrices([Location("c")], "any")
