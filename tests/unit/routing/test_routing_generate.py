"""The seeded generator of Lensois-like benchmark instances."""

from __future__ import annotations

import pytest

from routing.generate import DAY, lensois_like
from routing.instances import solomon_distance


def test_the_same_seed_gives_the_same_instance_and_another_seed_another() -> None:
    first, again, other = lensois_like(7, 120), lensois_like(7, 120), lensois_like(8, 120)

    assert first.customers == again.customers
    assert first.matrices == again.matrices
    assert first.customers != other.customers
    assert (first.name, len(first.problem.stops)) == ("gen120_7", 120)


@pytest.mark.parametrize(("seed", "stops"), [(1, 50), (2, 300)])
def test_every_window_is_reachable_from_the_hub_and_leaves_time_to_come_back(
    seed: int, stops: int
) -> None:
    instance = lensois_like(seed, stops)
    hub = instance.customers[0]

    for customer in instance.customers[1:]:
        there = solomon_distance((hub.x, hub.y), (customer.x, customer.y))
        assert customer.ready <= customer.due
        assert there <= customer.due
        assert max(there, customer.ready) + customer.service + there <= DAY
        assert 0 < customer.demand <= instance.capacity
    assert sum(c.demand for c in instance.customers) <= instance.vehicles * instance.capacity


def test_the_mix_has_towns_narrow_and_wide_windows_and_big_customers() -> None:
    customers = lensois_like(3, 200).customers[1:]
    widths = [c.due - c.ready for c in customers]
    hub = lensois_like(3, 200).customers[0]

    assert sum(w <= 90 for w in widths) > 0.4 * len(customers)
    assert sum(w >= 250 for w in widths) > 0.2 * len(customers)
    assert any(c.demand >= 40 for c in customers) and any(c.demand <= 10 for c in customers)
    # the hub is off-centre; stops gather in towns: many share a spot with another
    assert abs(hub.x - 50) >= 10 and abs(hub.y - 50) >= 10
    assert len({(c.x, c.y) for c in customers}) < 0.9 * len(customers)


def test_a_size_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="expected 50 to 300"):
        lensois_like(1, 20)
