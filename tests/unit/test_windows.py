"""Weekday windows as the network's files write them."""

from __future__ import annotations

import pytest

from paniers.windows import DayWindow, WindowError, label, on_day, parse, spec


def test_a_files_window_reads_as_a_weekday_and_minutes():
    assert parse("Fri 13:00-16:00") == (DayWindow(5, 780, 960),)


def test_several_weekdays_are_kept_in_the_written_order_and_written_back_the_same():
    text = "Fri 13:00-16:00; Sat 09:00-12:30"
    windows = parse(text)
    assert [w.weekday for w in windows] == [5, 6]
    assert spec(windows) == text


def test_an_empty_cell_is_no_window():
    assert parse("") == ()
    assert parse("  ") == ()


def test_people_read_the_windows_in_french():
    assert label(parse("Fri 13:00-16:00; Sat 09:00-12:00")) == (
        "vendredi 13:00–16:00, samedi 09:00–12:00")


def test_the_window_of_a_given_day_is_found():
    windows = parse("Fri 13:00-16:00; Sat 09:00-12:00")
    assert on_day(windows, 6) == DayWindow(6, 540, 720)
    assert on_day(windows, 1) is None


@pytest.mark.parametrize(("text", "code"), [
    ("Fri 16:00-13:00", "order"),
    ("Fri 13:00-13:00", "order"),
    ("Friday 13:00-16:00", "day"),
    ("Xyz 13:00-16:00", "day"),
    ("Fri 25:00-26:00", "time"),
    ("Fri 13:75-16:00", "time"),
    ("Fri 13h-16h", "time"),
    ("13:00-16:00", "format"),
    ("Fri 13:00 16:00", "format"),
    ("Fri 13:00-16:00; Fri 17:00-18:00", "repeated"),
])
def test_a_window_that_cannot_be_right_is_refused_with_its_reason(text, code):
    with pytest.raises(WindowError) as error:
        parse(text)
    assert error.value.code == code
