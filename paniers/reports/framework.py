"""A report is declared once: its columns (each a function of a row), how rows group and
which columns add up. ``build`` turns the rows into a ``Table`` that every renderer (the
screen, CSV, the spreadsheet) reads the same way, so the figures never differ by format.

In the spirit of Open Food Network's reports: one definition per report, not one view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

Row = TypeVar("Row")


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    MONEY = "money"  # integer cents, shown in euros
    DECIMAL = "decimal"  # a Decimal quantity in sale units (2,5 kg)
    DATE = "date"


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: Any  # a (lazy) French string, translated when rendered
    value: Callable[[Row], Any]
    kind: Kind = Kind.TEXT
    total: bool = False  # summed in each group's subtotal and in the grand total
    width: int = 14  # characters, for the spreadsheet


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class Report(Generic[Row]):
    slug: str  # in the address and the file names
    title: Any
    description: Any
    columns: Sequence[Column[Row]]
    rows: Callable[[Period], list[Row]] | None = None  # None: the caller gives the rows
    group_by: Callable[[Row], str] | None = None  # rows come already sorted by group
    note: Any = None  # said above the table (what the figures leave out)
    dated: bool = True  # False: the report ignores the period
    grand_total: bool = True  # False: only each group's subtotal makes sense


@dataclass(frozen=True)
class Section:
    label: str | None
    rows: list[list[Any]]
    subtotal: list[Any] | None = None


@dataclass
class Table:
    title: str
    headers: list[str]
    kinds: list[Kind]
    widths: list[int]
    sections: list[Section] = field(default_factory=list)
    total: list[Any] | None = None
    note: str | None = None
    # Lines after the total (a summary, a warning), each padded to the columns.
    footer: list[list[Any]] = field(default_factory=list)

    def add_footer(self, *cells: Any) -> None:
        line = list(cells)[:len(self.headers)]
        self.footer.append(line + [None] * (len(self.headers) - len(line)))

    @property
    def empty(self) -> bool:
        return not any(section.rows for section in self.sections)


def _totals(columns: Sequence[Column[Any]], rows: list[list[Any]], label: str) -> list[Any]:
    line: list[Any] = [None] * len(columns)
    for index, column in enumerate(columns):
        if column.total:
            line[index] = sum(row[index] or 0 for row in rows)
    if not columns[0].total:
        line[0] = label
    return line


def build(report: Report[Row], rows: list[Row], *, total_label: str = "Total",
          subtotal_label: Callable[[str], str] = lambda label: label) -> Table:
    """The rows as a table: each row's cells, grouped with subtotals, and the grand total
    (only when at least one column adds up)."""
    columns = report.columns
    table = Table(title=str(report.title), headers=[str(c.header) for c in columns],
                  kinds=[c.kind for c in columns], widths=[c.width for c in columns],
                  note=str(report.note) if report.note else None)
    cells = [[column.value(row) for column in columns] for row in rows]
    adds_up = any(column.total for column in columns)
    if report.group_by is None:
        table.sections.append(Section(None, cells))
    else:
        groups: dict[str, list[list[Any]]] = {}
        for row, line in zip(rows, cells, strict=True):
            groups.setdefault(report.group_by(row), []).append(line)
        for label, lines in groups.items():
            subtotal = _totals(columns, lines, subtotal_label(label)) if adds_up else None
            table.sections.append(Section(label, lines, subtotal))
    if adds_up and cells and report.grand_total:
        table.total = _totals(columns, cells, total_label)
    return table
