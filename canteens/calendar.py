"""The canteens' calendar: the days without meals and the week a delivery feeds.

Pure: plain dates in, plain answers out. French public holidays come from the
``holidays`` package, the school holidays of zone B (the academy of Lille) from
``vacances-scolaires-france``, whose dates ship inside the package (no download);
closure days are the ones a manager adds (a strike, an outing, a bridge day).
A school canteen serves no meal on any of them; an elderly residence serves every
day, holidays included, and closes only on the days its manager adds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

import holidays
from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException

#: Loos-en-Gohelle belongs to the academy of Lille, in zone B.
SCHOOL_ZONE = "B"

DayOffKind = Literal["closure", "public_holiday", "school_holiday"]


@dataclass(frozen=True)
class Closure:
    """Days a manager closed the canteen, ``first_day`` to ``last_day`` included."""

    first_day: date
    last_day: date
    reason: str

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("a closure ends on or after its first day")

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class DayOff:
    """A day without meals and why: ``reason`` is the holiday's or the closure's name."""

    day: date
    kind: DayOffKind
    reason: str


@cache
def _school_dates() -> SchoolHolidayDates:
    return SchoolHolidayDates()  # reads the CSV bundled with the package, once


@cache
def _public_holidays(year: int, language: str) -> dict[date, str]:
    return dict(holidays.country_holidays("FR", years=year, language=language).items())


def public_holiday(day: date, language: str = "fr") -> str | None:
    """The name of the French public holiday on ``day`` (« Noël »), or None."""
    return _public_holidays(day.year, language).get(day)


def school_holiday(day: date, zone: str = SCHOOL_ZONE) -> str | None:
    """The name of the school holidays of ``zone`` covering ``day`` (« Vacances de Noël »).

    None on a school day, and for a year the package has no dates for (it ships
    them a few years ahead): such a day is treated as a school day.
    """
    dates = _school_dates()
    try:
        if not dates.is_holiday_for_zone(day, zone):
            return None
    except UnsupportedYearException:
        return None
    return str(dates.data[day]["nom_vacances"])


def day_off(day: date, *, school: bool, closures: Iterable[Closure] = (),
            language: str = "fr") -> DayOff | None:
    """Why no meal is served on ``day``, or None when the canteen serves.

    A manager's closure comes first (its reason is the manager's words), then, for a
    school canteen only, the public holiday and the school holidays of zone B.
    """
    for closure in closures:
        if closure.covers(day):
            return DayOff(day, "closure", closure.reason)
    if not school:
        return None
    name = public_holiday(day, language)
    if name is not None:
        return DayOff(day, "public_holiday", name)
    name = school_holiday(day)
    if name is not None:
        return DayOff(day, "school_holiday", name)
    return None


def days_off(days: Iterable[date], *, school: bool, closures: Sequence[Closure] = (),
             language: str = "fr") -> dict[date, DayOff]:
    """The days of ``days`` without meals, with why."""
    found = {}
    for day in days:
        off = day_off(day, school=school, closures=closures, language=language)
        if off is not None:
            found[day] = off
    return found


def week_fed_by(delivery_date: date) -> tuple[date, date]:
    """The Monday and Sunday of the week whose meals a delivery on ``delivery_date`` feeds.

    The canteens' order travels with the cycle delivered on Friday and feeds the
    week that follows: the first Monday strictly after the delivery, so that every
    meal it feeds is cooked after the produce arrived.
    """
    monday = delivery_date + timedelta(days=7 - delivery_date.weekday())
    return monday, monday + timedelta(days=6)


def delivery_feeding(monday: date, delivery_weekday: int = 4) -> date:
    """The usual delivery day (Friday by default) that feeds the week of ``monday``."""
    return monday - timedelta(days=7 - delivery_weekday)


@dataclass(frozen=True)
class Period:
    """Consecutive days off for the same reason."""

    first_day: date
    last_day: date
    kind: DayOffKind
    reason: str


def periods_off(first_day: date, last_day: date, *, school: bool,
                closures: Sequence[Closure] = (), language: str = "fr") -> list[Period]:
    """The days off from ``first_day`` to ``last_day``, joined into periods (« Vacances de
    Noël, du 19 décembre au 3 janvier »)."""
    periods: list[Period] = []
    day = first_day
    while day <= last_day:
        off = day_off(day, school=school, closures=closures, language=language)
        if off is not None:
            last = periods[-1] if periods else None
            if (last is not None and last.last_day == day - timedelta(days=1)
                    and (last.kind, last.reason) == (off.kind, off.reason)):
                periods[-1] = Period(last.first_day, day, off.kind, off.reason)
            else:
                periods.append(Period(day, day, off.kind, off.reason))
        day += timedelta(days=1)
    return periods
