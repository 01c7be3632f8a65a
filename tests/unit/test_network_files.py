"""The network's files read as tables: source notes skipped, lines numbered as an editor does."""

from __future__ import annotations

import pytest

from paniers.network.files import FileProblem, read_table, write_table, zip_bytes, zip_texts

HEADER = ("product,category,unit,unit_kg,months,price_eur_per_unit,price_basis,"
          "nursery_portion_g\n")


def test_a_source_note_is_skipped_and_lines_keep_their_number_in_the_file():
    data = ("# source: somewhere\n" + HEADER + "Carotte,vegetable,kg,1,7-12;1-3,2.30,x,60\n"
            "\n" "Poireau,vegetable,kg,1,9-12,3.10,x,60\n").encode()
    table = read_table("produce.csv", data)
    assert [(row.line, row.values["product"]) for row in table.rows] == [
        (3, "Carotte"), (5, "Poireau")]


def test_a_spreadsheets_byte_order_mark_is_read_as_nothing():
    table = read_table("produce.csv", ("\ufeff" + HEADER + "Ail,vegetable,kg,1,8-12,12,x,5\n")
                       .encode())
    assert table.rows[0].values["product"] == "Ail"


def test_a_line_with_too_many_cells_is_set_aside_with_its_number():
    table = read_table("produce.csv", (HEADER + "Tomate,vegetable,kg,1,7-9,4,44,x,60\n").encode())
    assert table.rows == () and table.ragged == ((2, 9),)


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty"),
    ("é".encode("latin-1"), "encoding"),
    (b"product,category\n", "missing_columns"),
    ((HEADER.strip() + ",colour\n").encode(), "unknown_columns"),
])
def test_a_file_that_is_no_table_of_the_right_columns_is_refused(data, code):
    with pytest.raises(FileProblem) as problem:
        read_table("produce.csv", data)
    assert problem.value.code == code


def test_written_tables_quote_only_what_needs_it_and_zips_read_back():
    text = write_table(("a", "b"), [{"a": "x, y", "b": "z"}])
    assert text == 'a,b\n"x, y",z\n'
    assert zip_texts(zip_bytes({"network.csv": text, "other.txt": "?"})) == {
        "network.csv": text.encode()}
