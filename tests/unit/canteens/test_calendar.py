"""The school calendar: no meal on public holidays, in zone B's school holidays or on a day
the manager closed; the residence serves every day; a delivery feeds the week after it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from canteens.calendar import (
    Closure,
    day_off,
    days_off,
    periods_off,
    public_holiday,
    school_holiday,
    week_fed_by,
)
from canteens.menu_planner.solve import service_dates

STRIKE = Closure(date(2027, 2, 2), date(2027, 2, 2), "Grève")


def test_christmas_and_new_year_are_public_holidays_with_their_french_names():
    assert public_holiday(date(2026, 12, 25)) == "Noël"
    assert public_holiday(date(2027, 1, 1)) == "Jour de l'an"
    assert public_holiday(date(2026, 12, 24)) is None


def test_a_school_canteen_serves_nothing_on_christmas_and_says_why():
    off = day_off(date(2026, 12, 25), school=True)
    assert off is not None and off.kind == "public_holiday" and off.reason == "Noël"


def test_the_christmas_school_holidays_of_zone_b_close_the_school_canteen_for_two_weeks():
    monday = date(2026, 12, 21)
    week = [monday + timedelta(days=d) for d in range(5)]
    found = days_off(week, school=True)
    assert set(found) == set(week)
    assert found[date(2026, 12, 22)].reason == "Vacances de Noël"
    assert school_holiday(date(2027, 1, 4)) is None  # back to school on Monday 4 January


def test_the_winter_holidays_are_zone_b_s_own():
    # 2027: zone A is off from 13 February, zone B (Lille) from 20 February to 7 March.
    assert school_holiday(date(2027, 2, 15)) is None
    assert school_holiday(date(2027, 2, 15), zone="A") == "Vacances d'hiver"
    assert school_holiday(date(2027, 3, 1)) == "Vacances d'hiver"


def test_a_closure_the_manager_added_closes_the_day_with_the_managers_reason():
    off = day_off(date(2027, 2, 2), school=True, closures=[STRIKE])
    assert off is not None and off.kind == "closure" and off.reason == "Grève"
    assert day_off(date(2027, 2, 1), school=True, closures=[STRIKE]) is None


def test_the_residence_serves_on_christmas_and_in_the_school_holidays():
    assert day_off(date(2026, 12, 25), school=False) is None
    assert day_off(date(2026, 12, 22), school=False) is None
    assert day_off(date(2027, 2, 2), school=False, closures=[STRIKE]) is not None


def test_a_year_the_package_has_no_dates_for_is_taken_as_school_days():
    assert school_holiday(date(2099, 3, 3)) is None


def test_planned_service_dates_skip_the_christmas_holidays():
    dates = service_dates(date(2026, 12, 14), 8,
                          is_day_off=lambda d: day_off(d, school=True) is not None)
    assert dates[:4] == (date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 17),
                         date(2026, 12, 18))
    assert dates[4] == date(2027, 1, 4)


def test_holiday_days_are_joined_into_periods():
    periods = periods_off(date(2026, 12, 18), date(2027, 1, 5), school=True)
    assert [(p.first_day, p.last_day, p.reason) for p in periods] == [
        (date(2026, 12, 19), date(2026, 12, 24), "Vacances de Noël"),
        (date(2026, 12, 25), date(2026, 12, 25), "Noël"),
        (date(2026, 12, 26), date(2026, 12, 31), "Vacances de Noël"),
        (date(2027, 1, 1), date(2027, 1, 1), "Jour de l'an"),
        (date(2027, 1, 2), date(2027, 1, 3), "Vacances de Noël"),
    ]


@pytest.mark.parametrize("delivery", [date(2026, 12, 4) + timedelta(days=n) for n in range(7)])
def test_no_meal_of_the_week_a_delivery_feeds_comes_before_the_delivery(delivery):
    monday, sunday = week_fed_by(delivery)
    assert monday.weekday() == 0 and sunday == monday + timedelta(days=6)
    assert delivery < monday <= delivery + timedelta(days=7)


def test_the_friday_delivery_feeds_the_following_week():
    assert week_fed_by(date(2026, 12, 4)) == (date(2026, 12, 7), date(2026, 12, 13))


def test_a_closure_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Closure(date(2027, 2, 2), date(2027, 2, 1), "Grève")
