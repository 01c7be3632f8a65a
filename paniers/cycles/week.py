"""Which delivery a page is about: one rule for every role.

The delivery a person works on now is today's, else the next one, else the last one.
A host hands out today's baskets and otherwise gets ready for the next delivery; a farmer
prepares the next delivery and, on the day, the one being delivered; a coordinator
follows the same delivery. Cycles still in draft are nobody's week yet. Pages where it
matters offer the recent and upcoming deliveries to choose another (``?cycle=ID``).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from paniers.cycles.models import OrderCycle
from paniers.cycles.states import PARIS, CycleStatus
from paniers.errors import NotFound
from paniers.extensions import db
from paniers.types import utcnow

# How far back and ahead the delivery selector reaches.
AROUND = timedelta(days=35)

_SCHEDULED = OrderCycle.status != CycleStatus.DRAFT


def paris_today() -> date:
    return utcnow().astimezone(PARIS).date()


def this_week(today: date | None = None) -> OrderCycle | None:
    """Today's delivery, else the next one, else the last one (drafts left out)."""
    today = today or paris_today()
    coming = db.session.scalar(
        select(OrderCycle).where(_SCHEDULED, OrderCycle.delivery_date >= today)
        .order_by(OrderCycle.delivery_date))
    if coming is not None:
        return coming
    return db.session.scalar(
        select(OrderCycle).where(_SCHEDULED).order_by(OrderCycle.delivery_date.desc()))


def nearby(shown: OrderCycle | None = None, today: date | None = None) -> list[OrderCycle]:
    """The recent and upcoming deliveries in date order, for a page's selector, with the
    one shown even when it is older."""
    today = today or paris_today()
    found = list(db.session.scalars(
        select(OrderCycle).where(_SCHEDULED, OrderCycle.delivery_date.between(
            today - AROUND, today + AROUND)).order_by(OrderCycle.delivery_date)))
    if shown is not None and shown not in found:
        found = sorted([*found, shown], key=lambda cycle: cycle.delivery_date)
    return found


def chosen(cycle_id: int | None, today: date | None = None) -> OrderCycle | None:
    """The delivery the page was asked for, else this week's (an id no row may have, 0,
    counts as not asked)."""
    if not cycle_id:
        return this_week(today)
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None or cycle.status == CycleStatus.DRAFT:
        raise NotFound(_("Cette livraison n'existe pas."))
    return cycle


def asked_instead(shown_id: int, asked_id: int | None) -> OrderCycle | None:
    """The delivery a page's selector asks for (``?cycle=``) when it is not the one the page
    shows (``None`` when nothing else is asked); a draft or unknown one is not found."""
    if not asked_id or asked_id == shown_id:
        return None
    return chosen(asked_id)
