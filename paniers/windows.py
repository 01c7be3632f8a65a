"""Weekday time windows, as the network's files write them: ``"Fri 13:00-16:00"``.

Several windows are separated by ``;`` (``"Fri 13:00-16:00; Sat 09:00-12:00"``), one per
weekday. Times are local (Europe/Paris), in minutes after midnight. Pure: no database,
no Flask; the French label takes its day names as an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# ISO weekdays (Monday 1) as the files write them.
DAY_CODES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


class WindowError(ValueError):
    """A window that cannot be read; ``code`` says why (see ``MESSAGES`` in the callers)."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code  # "format", "day", "time", "order", "repeated"
        self.text = text


@dataclass(frozen=True, order=True)
class DayWindow:
    weekday: int  # ISO: 1 Monday .. 7 Sunday
    start_min: int
    end_min: int

    def __post_init__(self) -> None:
        if not 1 <= self.weekday <= 7:
            raise WindowError("day", str(self.weekday))
        if not (0 <= self.start_min < 24 * 60 and 0 < self.end_min <= 24 * 60):
            raise WindowError("time", f"{self.start_min}-{self.end_min}")
        if self.end_min <= self.start_min:
            raise WindowError("order", spec([self]))


def clock(minutes: int) -> str:
    """Minutes after midnight as ``"06:00"``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(text: str, whole: str) -> int:
    hours, sep, minutes = text.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
            and len(hours) <= 2):
        raise WindowError("time", whole)
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > 24 * 60:
        raise WindowError("time", whole)
    return value


def parse_one(text: str) -> DayWindow:
    """``"Fri 13:00-16:00"`` -> DayWindow(5, 780, 960); raises WindowError."""
    parts = text.split()
    if len(parts) != 2 or parts[1].count("-") != 1:
        raise WindowError("format", text)
    day, hours = parts
    if day.capitalize() not in DAY_CODES:
        raise WindowError("day", text)
    start, end = hours.split("-")
    start_min, end_min = _minutes(start, text), _minutes(end, text)
    if end_min <= start_min:
        raise WindowError("order", text)
    return DayWindow(DAY_CODES.index(day.capitalize()) + 1, start_min, end_min)


def parse(text: str) -> tuple[DayWindow, ...]:
    """``"Fri 13:00-16:00; Sat 09:00-12:00"`` -> windows in the written order; "" -> ()."""
    windows = tuple(parse_one(part.strip()) for part in text.split(";") if part.strip())
    days = [window.weekday for window in windows]
    if len(set(days)) != len(days):
        raise WindowError("repeated", text)
    return windows


def spec(windows: Iterable[DayWindow]) -> str:
    """The files' form: ``"Fri 13:00-16:00; Sat 09:00-12:00"``."""
    return "; ".join(f"{DAY_CODES[w.weekday - 1]} {clock(w.start_min)}-{clock(w.end_min)}"
                     for w in windows)


def label(windows: Iterable[DayWindow], day_names: Sequence[str] = FRENCH_DAYS) -> str:
    """For people: ``"vendredi 13:00–16:00, samedi 09:00–12:00"``."""
    return ", ".join(f"{day_names[w.weekday - 1]} {clock(w.start_min)}–{clock(w.end_min)}"
                     for w in windows)


def on_day(windows: Iterable[DayWindow], weekday: int) -> DayWindow | None:
    """The window of that ISO weekday, if there is one."""
    return next((window for window in windows if window.weekday == weekday), None)
