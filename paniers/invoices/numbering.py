"""Invoice numbers: one gap-free sequence per calendar year, for invoices and credit notes.

Credit notes share the invoices' sequence: French law asks for one continuous,
chronological numbering of invoices, and a credit note is an invoice that corrects
another; one series means no second register to keep gap-free and audit.

The year's counter row is locked (``SELECT ... FOR UPDATE``) inside the transaction that
inserts the invoice: a second issue waits for the first to commit or roll back, so two
invoices never share a number, and a rolled-back issue gives its number back.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from paniers.extensions import db
from paniers.invoices.models import InvoiceCounter

PREFIX = "F"


def format_number(year: int, sequence: int) -> str:
    """``F2026-000042``."""
    return f"{PREFIX}{year}-{sequence:06d}"


def _ensure_counter(year: int) -> None:
    """The year's row, created once: two first issues of a year racing each other both
    try; the loser's insert fails on the primary key inside its savepoint, harmlessly."""
    if db.session.get(InvoiceCounter, year) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(InvoiceCounter(year=year, last_number=0))
    except IntegrityError:
        pass


def lock(year: int) -> InvoiceCounter:
    """Hold the year's counter until the caller's transaction ends: whoever issues next
    waits, and then sees what this one committed (an invoice already issued for the same
    order or month, for instance)."""
    _ensure_counter(year)
    return db.session.scalars(
        select(InvoiceCounter).where(InvoiceCounter.year == year)
        .with_for_update().execution_options(populate_existing=True)).one()


def next_number(year: int) -> tuple[int, str]:
    """Take the year's next number (inside the caller's transaction): (sequence, number)."""
    counter = lock(year)
    counter.last_number += 1
    db.session.flush()
    return counter.last_number, format_number(year, counter.last_number)
