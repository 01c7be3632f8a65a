"""One renderer per format for a ``Table``: CSV for any spreadsheet (French headers, ``;``
between fields, euros with a decimal comma, UTF-8 with a byte order mark so that Excel
reads the accents) and .xlsx (real numbers in a euro format, a bold header, sized
columns). The screen's renderer is the template ``reports/_table.html``."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from paniers.reports.framework import Kind, Table

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EURO_FORMAT = '#,##0.00\\ "€"'
NUMBER_FORMATS = {Kind.MONEY: EURO_FORMAT, Kind.DECIMAL: "#,##0.###", Kind.INTEGER: "0",
                  Kind.DATE: "dd/mm/yyyy"}


def _decimal_comma(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def csv_cell(value: Any, kind: Kind) -> str:
    """A cell as French spreadsheets read it: ``1250`` cents -> ``12,50``; 2.5 -> ``2,5``."""
    if value is None:
        return ""
    if kind == Kind.MONEY:
        return f"{Decimal(value) / 100:.2f}".replace(".", ",")
    if kind == Kind.DECIMAL:
        return _decimal_comma(Decimal(str(value)))
    if kind == Kind.DATE and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _lines(table: Table) -> list[tuple[list[Any], bool]]:
    """Every line under the header, with whether it is a total (bold in the spreadsheet)."""
    lines: list[tuple[list[Any], bool]] = []
    for section in table.sections:
        lines.extend((row, False) for row in section.rows)
        if section.subtotal is not None:
            lines.append((section.subtotal, True))
    if table.total is not None:
        lines.append((table.total, True))
    lines.extend((line, False) for line in table.footer)
    return lines


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    for line, _bold in _lines(table):
        writer.writerow([csv_cell(v, k) for v, k in zip(line, table.kinds, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def _xlsx_value(value: Any, kind: Kind) -> Any:
    if value is None:
        return None
    if kind == Kind.MONEY:
        return Decimal(value) / 100
    return value


def sheet_title(title: str) -> str:
    """Spreadsheet tabs take 31 characters at most and none of ``[]:*?/\\``."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Rapport"


def to_xlsx(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(table.title)
    sheet.append(table.headers)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for line, is_total in _lines(table):
        sheet.append([_xlsx_value(v, k) for v, k in zip(line, table.kinds, strict=True)])
        for cell, kind in zip(sheet[sheet.max_row], table.kinds, strict=True):
            if kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
            if is_total:
                cell.font = bold
    for index, (header, width) in enumerate(zip(table.headers, table.widths, strict=True), 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(width, len(header) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(table: Table, name: str, fmt: str) -> Response:
    """The table as a file to download: ``xlsx``, or CSV for anything else."""
    if fmt == "xlsx":
        body, mimetype, suffix = to_xlsx(table), XLSX_MIMETYPE, "xlsx"
    else:
        body, mimetype, suffix = to_csv(table), CSV_MIMETYPE, "csv"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{suffix}"'})
