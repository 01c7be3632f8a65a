"""The report framework on tiny tables a person can check by hand: grouping, subtotals
and totals declared once; CSV as French spreadsheets read it; .xlsx read back."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from paniers.reports.framework import Column, Kind, Report, build
from paniers.reports.render import csv_cell, sheet_title, to_csv, to_xlsx


@dataclass(frozen=True)
class Line:
    farm: str
    product: str
    kg: Decimal
    cents: int
    day: date


LINES = [
    Line("Ferme du Marais", "Carotte", Decimal("2.5"), 750, date(2026, 12, 11)),
    Line("Ferme du Marais", "Poireau", Decimal("1"), 320, date(2026, 12, 11)),
    Line("Ferme des Terrils", "Chou", Decimal("3"), 1205, date(2026, 12, 18)),
]

SALES: Report[Line] = Report(
    slug="essai", title="Ventes : essai", description="",
    columns=(
        Column("Ferme", lambda r: r.farm, width=20),
        Column("Produit", lambda r: r.product),
        Column("Quantité", lambda r: r.kg, Kind.DECIMAL),
        Column("Montant", lambda r: r.cents, Kind.MONEY, total=True),
        Column("Livraison", lambda r: r.day, Kind.DATE),
    ),
    group_by=lambda r: r.farm,
)


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_groups_get_their_subtotal_and_the_table_its_total():
    table = build(SALES, LINES, subtotal_label=lambda label: f"Total {label}")
    assert [s.label for s in table.sections] == ["Ferme du Marais", "Ferme des Terrils"]
    assert table.sections[0].subtotal == ["Total Ferme du Marais", None, None, 1070, None]
    assert table.total == ["Total", None, None, 2275, None]


def test_a_report_where_nothing_adds_up_has_no_total_line():
    plain = Report(slug="x", title="x", description="",
                   columns=(Column("Produit", lambda r: r.product),))
    table = build(plain, LINES)
    assert table.total is None and table.sections[0].subtotal is None


def test_csv_is_what_a_french_spreadsheet_reads():
    body = to_csv(build(SALES, LINES))
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with its mark
    rows = rows_of(body)
    assert rows[0] == ["Ferme", "Produit", "Quantité", "Montant", "Livraison"]
    assert rows[1] == ["Ferme du Marais", "Carotte", "2,5", "7,50", "11/12/2026"]
    assert rows[-1] == ["Total", "", "", "22,75", ""]


def test_csv_cells_keep_cents_exact():
    assert csv_cell(5, Kind.MONEY) == "0,05"
    assert csv_cell(-1250, Kind.MONEY) == "-12,50"
    assert csv_cell(Decimal("100"), Kind.DECIMAL) == "100"
    assert csv_cell(None, Kind.MONEY) == ""


def test_footer_lines_come_after_the_total_padded_to_the_columns():
    table = build(SALES, LINES)
    table.add_footer("Remarque", "provisoire")
    rows = rows_of(to_csv(table))
    assert rows[-1] == ["Remarque", "provisoire", "", "", ""]


def test_the_spreadsheet_has_real_euro_numbers_a_bold_header_and_sized_columns():
    body = to_xlsx(build(SALES, LINES))
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "Ventes   essai"
    assert [c.value for c in sheet[1]] == ["Ferme", "Produit", "Quantité", "Montant",
                                           "Livraison"]
    assert all(c.font.bold for c in sheet[1])
    amount = sheet.cell(row=2, column=4)
    assert amount.value == 7.5 and "€" in amount.number_format
    assert sheet.cell(row=2, column=5).value.date() == date(2026, 12, 11)
    total = sheet.cell(row=sheet.max_row, column=4)
    assert total.value == 22.75 and total.font.bold
    assert sheet.column_dimensions["A"].width == 20


def test_sheet_titles_drop_what_spreadsheets_refuse():
    assert sheet_title("Ventes [semaine] 12/12?") == "Ventes  semaine  12 12"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("???") == "Rapport"
