"""What a person (or a script) may send instead of an id, an amount or a name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paniers.cleantext import strip_control
from paniers.formids import MAX_ID, as_id
from paniers.money import parse_decimal, to_base_amount, to_cents


@pytest.mark.parametrize("text,expected", [
    ("12", 12), (" 7 ", 7), ("0", 0), ("", 0), (None, 0), ("-3", 0), ("²", 0), ("١٢", 0),
    ("1e3", 0), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), 0), (str(2**63), 0),
    ("9" * 5000, 0), ("0" * 30 + "5", 5),
])
def test_a_hidden_id_is_a_row_id_or_zero(text, expected):
    assert as_id(text) == expected


@given(st.text())
def test_any_text_gives_an_id_within_the_database_range(text):
    assert 0 <= as_id(text) <= MAX_ID


@pytest.mark.parametrize("text", ["1e999999", "-1e999999", "1E+400", "1e-999999",
                                  "9" * 5000, "0." + "1" * 5000, "²", "١٢", "1" * 16])
def test_numbers_no_one_types_are_unreadable_rather_than_an_overflow(text):
    with pytest.raises(ValueError):
        parse_decimal(text)
    with pytest.raises(ValueError):
        to_cents(text)


@given(st.text() | st.from_regex(r"-?\d{0,30}([.,]\d{0,30})?([eE][-+]?\d{1,7})?"))
def test_parsing_any_text_either_reads_a_number_or_says_it_cannot(text):
    for parse in (to_cents, lambda t: to_base_amount(t, "kg")):
        try:
            parse(text)
        except ValueError:
            pass


@pytest.mark.parametrize("text,cleaned", [
    ("Purée", "Purée"), ("a\x00b", "ab"), ("ligne\nsuivante\ttab", "ligne\nsuivante\ttab"),
    ("\u202egpj.exe\u202c", "gpj.exe"), ("\u2066x\u2069\u202a\u202b\u202d", "x"),
    ("\x1b[31mrouge", "[31mrouge"), ("عربي", "عربي"),
])
def test_control_characters_and_bidi_overrides_are_taken_out_of_text(text, cleaned):
    assert strip_control(text) == cleaned
