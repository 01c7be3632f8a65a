"""Plans on tiny instances whose best answer a person can work out by hand."""

from __future__ import annotations

from line_instances import DAY, solve_line, stop, van

from routing import (
    ExplicitMatrixProvider,
    Location,
    PlanStatus,
    RoutingProblem,
    Shipment,
    StopKind,
    TimeWindow,
    TravelMatrices,
    UnservedReason,
    Vehicle,
    plan_routes,
)


def test_stops_on_a_line_are_served_in_one_out_and_back_trip() -> None:
    result = solve_line({"a": 1000, "b": 2000, "c": 3000},
                        [stop("a"), stop("b"), stop("c")], [van()])

    assert result.status is PlanStatus.ALL_SERVED
    assert result.routes[0].stop_ids in (("a", "b", "c"), ("c", "b", "a"))
    assert result.total_distance_m == 6000
    assert result.total_cost_cents == 600


def test_a_capacity_too_small_for_both_stops_forces_two_routes() -> None:
    result = solve_line({"a": 1000, "b": 1000}, [stop("a", 6), stop("b", 6)],
                        [van("v1", capacity=10), van("v2", capacity=10)])

    assert sorted(route.stop_ids for route in result.routes) == [("a",), ("b",)]
    assert all(route.load_at_start == (6,) for route in result.routes)


def test_a_time_window_decides_the_order_of_visits() -> None:
    early = (TimeWindow(0, 150),)
    late = (TimeWindow(1000, 2000),)
    result = solve_line({"a": 1000, "b": 1000},
                        [stop("a", time_windows=late), stop("b", time_windows=early)], [van()])

    route = result.routes[0]
    assert route.stop_ids == ("b", "a")
    assert route.visits[0].start_s <= 150
    assert route.visits[1].start_s >= 1000
    assert route.visits[1].arrival_s <= route.visits[1].start_s


def test_a_stop_no_vehicle_can_reach_in_its_window_is_reported_with_a_reason() -> None:
    result = solve_line(
        {"near": 1000, "far": 100_000, "heavy": 1000},
        [stop("near"), stop("far", time_windows=(TimeWindow(0, 100),)), stop("heavy", 500)],
        [van()],
    )

    reasons = {u.stop_id: u.reason for u in result.unserved}
    assert reasons == {
        "far": UnservedReason.UNREACHABLE_IN_TIME,
        "heavy": UnservedReason.OVER_CAPACITY,
    }
    assert result.served_stop_ids == ("near",)
    assert result.status is PlanStatus.MANDATORY_UNSERVED


def test_a_pickup_is_collected_before_its_delivery_by_the_same_vehicle() -> None:
    stops = [stop("farm", 30, kind=StopKind.PICKUP), stop("shop", 30), stop("other", 1)]
    shipment = (Shipment("farm", "shop"),)
    positions = {"farm": 5000, "shop": 2000, "other": 4000}
    result = solve_line(positions, [stops[0], stops[1]], [van("v1"), van("v2")], shipment)

    route = next(route for route in result.routes if "farm" in route.stop_ids)
    assert route.stop_ids == ("farm", "shop")
    assert [visit.load_after for visit in route.visits] == [(30,), (0,)]


def test_an_optional_stop_is_left_out_when_its_penalty_is_lower_than_serving_it() -> None:
    far = stop("far", optional=True, penalty_cents=500)
    result = solve_line({"near": 1000, "far": 10_000}, [stop("near"), far], [van()])

    assert result.served_stop_ids == ("near",)
    assert [(u.stop_id, u.reason) for u in result.unserved] == [
        ("far", UnservedReason.NOT_WORTH_IT)
    ]
    assert result.total_cost_cents == 200 + 500
    assert result.status is PlanStatus.ALL_SERVED


def test_an_optional_stop_is_served_when_its_penalty_is_higher() -> None:
    far = stop("far", optional=True, penalty_cents=5000)
    result = solve_line({"near": 1000, "far": 10_000}, [stop("near"), far], [van()])

    assert sorted(result.served_stop_ids) == ["far", "near"]
    assert result.total_cost_cents == 2000


def test_a_stop_beyond_the_bike_range_goes_to_the_van() -> None:
    bike = van("bike", max_distance_m=5000)
    result = solve_line({"city": 40_000}, [stop("city")], [bike, van("van")])

    assert [(route.vehicle_id, route.stop_ids) for route in result.routes] == [
        ("van", ("city",))
    ]


def test_a_stop_beyond_every_vehicle_range_is_reported_too_far() -> None:
    result = solve_line({"city": 40_000}, [stop("city")], [van("bike", max_distance_m=5000)])

    assert [(u.stop_id, u.reason) for u in result.unserved] == [
        ("city", UnservedReason.TOO_FAR)
    ]


def test_a_vehicle_reloads_at_the_depot_to_serve_more_than_its_capacity() -> None:
    stops = [stop("a", 6), stop("b", 6), stop("c", 6)]
    result = solve_line({"a": 1000, "b": 2000, "c": 3000}, stops,
                        [van(capacity=10, max_trips=3, reload_s=600)])

    route = result.routes[0]
    assert sorted(route.stop_ids) == ["a", "b", "c"]
    assert sum(visit.is_reload for visit in route.visits) == 2
    assert all(visit.load_after[0] <= 10 for visit in route.visits)


def test_mandatory_stops_the_fleet_cannot_fit_are_reported_not_raised() -> None:
    stops = [stop("a", 6), stop("b", 6)]
    result = solve_line({"a": 1000, "b": 2000}, stops, [van(capacity=10)])

    assert len(result.served_stop_ids) == 1
    assert [u.reason for u in result.unserved] == [UnservedReason.NO_ROOM]
    assert result.status is PlanStatus.MANDATORY_UNSERVED


def test_pricing_the_drivers_hour_sends_two_vans_rather_than_one_that_waits_hours() -> None:
    positions = {"a": 10_000, "b": 10_500}
    stops = [stop("a", time_windows=(TimeWindow(1000, 1500),)),
             stop("b", time_windows=(TimeWindow(20_000, 21_000),))]

    by_distance = solve_line(positions, stops, [van("v1"), van("v2")])
    (route,) = by_distance.routes  # 21 km in one round: five hours waiting for b's window
    assert route.distance_m == 21_000
    assert max(v.start_s - v.arrival_s for v in route.visits) > 4 * 3600

    by_cost = solve_line(positions, stops, [van("v1", cost_per_hour_cents=2000),
                                            van("v2", cost_per_hour_cents=2000)])
    assert sorted(r.stop_ids for r in by_cost.routes) == [("a",), ("b",)]
    assert all(v.start_s - v.arrival_s < 600 for r in by_cost.routes for v in r.visits)
    # 41 km at 1 EUR/km, and each driver's time out and back (2000 s and 2100 s at 20 EUR/h)
    assert by_cost.total_cost_cents == 4100 + round(2000 * 2000 / 3600) + round(2100 * 2000 / 3600)


def test_a_stop_reserved_for_a_vehicle_is_served_by_it_alone() -> None:
    # One van could serve both on the way; the far stop is kept for the shuttle.
    stops = [stop("near", vehicle_ids=("local",)), stop("far", vehicle_ids=("shuttle",))]
    result = solve_line({"near": 1000, "far": 30_000}, stops, [van("local"), van("shuttle")])

    assert sorted((route.vehicle_id, route.stop_ids) for route in result.routes) == [
        ("local", ("near",)), ("shuttle", ("far",)),
    ]


def test_a_stop_reserved_for_a_vehicle_that_cannot_reach_it_is_reported_too_far() -> None:
    bike = van("bike", max_distance_m=5000)
    result = solve_line({"far": 30_000}, [stop("far", vehicle_ids=("bike",))], [bike, van("van")])

    assert [(u.stop_id, u.reason) for u in result.unserved] == [("far", UnservedReason.TOO_FAR)]


def test_each_vehicle_starts_and_ends_at_its_own_hub() -> None:
    # Two hubs 20 km apart, each with a town next to it: each van serves its own town.
    ids = ("west", "east", "w-town", "e-town")
    where = {"west": 0, "east": 20_000, "w-town": 1000, "e-town": 19_000}
    distance = tuple(tuple(abs(where[a] - where[b]) for b in ids) for a in ids)
    duration = tuple(tuple(d // 10 for d in row) for row in distance)
    provider = ExplicitMatrixProvider(ids, TravelMatrices(distance, duration))
    vans = (Vehicle("v-west", "west", "west", (100,), DAY, cost_per_km_cents=100),
            Vehicle("v-east", "east", "east", (100,), DAY, cost_per_km_cents=100))
    problem = RoutingProblem(tuple(Location(i) for i in ids),
                             (stop("w-town"), stop("e-town")), vans, ("kg",))

    result = plan_routes(problem, time_limit_s=0.3, matrix_provider=provider)

    assert sorted((route.vehicle_id, route.stop_ids) for route in result.routes) == [
        ("v-east", ("e-town",)), ("v-west", ("w-town",)),
    ]
    assert result.total_distance_m == 4000
