"""Weeks the tests can plan meals in whatever today is: full school weeks of zone B."""

from __future__ import annotations

from datetime import date, timedelta

from canteens import calendar


def is_school_week(monday: date) -> bool:
    return not calendar.days_off([monday + timedelta(days=d) for d in range(5)], school=True)


def school_monday_after(day: date) -> date:
    """The first Monday strictly after ``day`` that starts a week without holidays."""
    monday = day + timedelta(days=7 - day.weekday())
    while not is_school_week(monday):
        monday += timedelta(days=7)
    return monday


def school_delivery(earliest: date) -> date:
    """A Friday from ``earliest`` on whose delivery feeds a full school week."""
    friday = earliest + timedelta(days=(4 - earliest.weekday()) % 7)
    while not is_school_week(calendar.week_fed_by(friday)[0]):
        friday += timedelta(days=7)
    return friday
