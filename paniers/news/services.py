"""Writing and reading the news sheet of a cycle."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from paniers.accounts.models import User
from paniers.cycles.models import OrderCycle
from paniers.errors import NotFound
from paniers.extensions import db
from paniers.news.models import NewsSheet
from paniers.transaction import transaction


def sheet_of(cycle_id: int) -> NewsSheet | None:
    """The cycle's sheet, if something is written on it."""
    sheet = db.session.scalar(select(NewsSheet).where(NewsSheet.cycle_id == cycle_id))
    return sheet if sheet is not None and sheet.body.strip() else None


def write_sheet(author: User, cycle_id: int, title: str, body: str) -> NewsSheet:
    """Write (or rewrite) the cycle's sheet; an empty text takes it off the mails."""
    with transaction():
        if db.session.get(OrderCycle, cycle_id) is None:
            raise NotFound(_("Ce cycle n'existe pas."))
        sheet = db.session.scalar(select(NewsSheet).where(NewsSheet.cycle_id == cycle_id))
        if sheet is None:
            sheet = NewsSheet(cycle_id=cycle_id)
            db.session.add(sheet)
        sheet.title = title.strip()
        sheet.body = body.strip()
        sheet.updated_by_id = author.id
    return sheet
