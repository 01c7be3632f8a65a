"""The weekly cycle's states and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from paniers.cycles.states import (
    CycleStatus,
    TransitionError,
    accepts_orders,
    check_move,
    default_cutoff,
    validate_schedule,
)


def test_a_cycle_walks_through_the_week_in_order():
    path = ["draft", "open", "closed", "allocated", "routed", "delivered", "settled"]
    for current, target in zip(path, path[1:], strict=False):
        assert check_move(current, target) == CycleStatus(target)


@pytest.mark.parametrize("current,target", [
    ("draft", "closed"), ("open", "draft"), ("closed", "open"), ("settled", "open"),
    ("delivered", "routed"), ("open", "allocated"),
])
def test_a_cycle_cannot_skip_or_go_back_to_orders(current, target):
    with pytest.raises(TransitionError):
        check_move(current, target)


def test_allocation_and_routing_can_be_run_again_before_delivery():
    assert check_move("allocated", "allocated") == CycleStatus.ALLOCATED
    assert check_move("routed", "allocated") == CycleStatus.ALLOCATED
    assert check_move("routed", "routed") == CycleStatus.ROUTED


def test_default_cutoff_is_48_hours_before_the_vans_leave_in_paris_time():
    cutoff = default_cutoff(date(2026, 12, 4))  # a Friday, winter time (UTC+1)
    assert cutoff.astimezone(UTC) == datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    summer = default_cutoff(date(2026, 7, 3))  # summer time (UTC+2)
    assert summer.astimezone(UTC) == datetime(2026, 7, 1, 4, 0, tzinfo=UTC)


def test_orders_are_taken_only_while_open_and_before_the_cutoff():
    cutoff = datetime(2026, 12, 2, 5, tzinfo=UTC)
    before, after = cutoff - timedelta(seconds=1), cutoff
    assert accepts_orders("open", cutoff, before)
    assert not accepts_orders("open", cutoff, after)
    assert not accepts_orders("draft", cutoff, before)
    assert not accepts_orders("closed", cutoff, before)


def test_schedule_problems_are_named():
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    delivery = date(2026, 12, 4)
    assert validate_schedule(delivery, default_cutoff(delivery), now) == []
    assert validate_schedule(delivery, now - timedelta(hours=1), now) == ["cutoff_in_past"]
    late = datetime(2026, 12, 4, 8, tzinfo=UTC)
    assert validate_schedule(delivery, late, now) == ["cutoff_after_delivery"]
