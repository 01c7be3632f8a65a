"""A canteen's days without meals: the holidays the calendar knows and the closures its
manager adds (a strike, an outing, a bridge day), which this module keeps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from canteens import calendar
from canteens.models import Canteen, CanteenClosure, CanteenKind
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.transaction import transaction

#: The school holidays' names as ``vacances-scolaires-france`` gives them, in French.
SCHOOL_HOLIDAY_LABELS = {
    "Vacances de Noël": _l("Vacances de Noël"),
    "Vacances d'hiver": _l("Vacances d'hiver"),
    "Vacances de printemps": _l("Vacances de printemps"),
    "Vacances d'été": _l("Vacances d'été"),
    "Vacances de la Toussaint": _l("Vacances de la Toussaint"),
    "Pont de l'Ascension": _l("Pont de l'Ascension"),
}
MAX_CLOSURE_DAYS = 366
#: Closures are added for the school year in hand: from last year to two years ahead.
YEARS_AROUND = 2


class ClosureError(ServiceError):
    """A closure refused; ``field`` names the form field the message goes next to."""

    def __init__(self, message: str, field: str = "first_day") -> None:
        super().__init__(message)
        self.field = field


def serves_on_holidays(canteen: Canteen) -> bool:
    """An elderly residence serves every day; a school canteen follows the school calendar."""
    return canteen.kind == CanteenKind.RESIDENCE


def day_off_text(kind: str, reason: str) -> str:
    """Why a day has no meal, in the reader's language (a closure keeps the manager's words;
    public holidays are named in the reader's language by the calendar already)."""
    if kind == "school_holiday":
        return str(SCHOOL_HOLIDAY_LABELS.get(reason, reason))
    return reason


def reason_of(off: calendar.DayOff) -> str:
    return day_off_text(off.kind, off.reason)


def _language() -> str:
    locale = get_locale()
    return "en_US" if locale is not None and locale.language == "en" else "fr"


def closures_of(canteen: Canteen, first_day: date | None = None,
                last_day: date | None = None) -> list[CanteenClosure]:
    """The canteen's closures, by first day; only those touching the period if one is given."""
    query = select(CanteenClosure).where(CanteenClosure.canteen_id == canteen.id)
    if first_day is not None:
        query = query.where(CanteenClosure.last_day >= first_day)
    if last_day is not None:
        query = query.where(CanteenClosure.first_day <= last_day)
    return list(db.session.scalars(query.order_by(CanteenClosure.first_day,
                                                  CanteenClosure.id)))


def days_off(canteen: Canteen, days: Iterable[date]) -> dict[date, calendar.DayOff]:
    """The days of ``days`` on which the canteen serves no meal, with why."""
    days = sorted(set(days))
    if not days:
        return {}
    closures = [calendar.Closure(c.first_day, c.last_day, c.reason)
                for c in closures_of(canteen, days[0], days[-1])]
    return calendar.days_off(days, school=not serves_on_holidays(canteen), closures=closures,
                             language=_language())


@transaction()
def add_closure(canteen: Canteen, first_day: date, last_day: date, reason: str,
                today: date | None = None) -> CanteenClosure:
    """Close the canteen from ``first_day`` to ``last_day`` included, for ``reason``."""
    today = today or date.today()
    reason = " ".join(reason.split())
    if not reason:
        raise ClosureError(_("Donnez la raison de la fermeture (grève, sortie, pont…)."),
                           "reason")
    if len(reason) > 120:
        raise ClosureError(_("La raison tient en 120 caractères."), "reason")
    if last_day < first_day:
        raise ClosureError(_("Le dernier jour de fermeture précède le premier."), "last_day")
    if (last_day - first_day).days >= MAX_CLOSURE_DAYS:
        raise ClosureError(_("Une fermeture dure au plus un an."), "last_day")
    window = timedelta(days=365 * YEARS_AROUND)
    if first_day < today - timedelta(days=365) or last_day > today + window:
        raise ClosureError(_("Choisissez des dates entre l'an dernier et les deux ans à venir."))
    overlapping = closures_of(canteen, first_day, last_day)
    if overlapping:
        raise ClosureError(_("Ces dates chevauchent une fermeture déjà saisie (%(reason)s).",
                             reason=overlapping[0].reason))
    closure = CanteenClosure(canteen_id=canteen.id, first_day=first_day, last_day=last_day,
                             reason=reason)
    db.session.add(closure)
    db.session.flush()
    return closure


@transaction()
def remove_closure(canteen: Canteen, closure_id: int) -> CanteenClosure:
    """Reopen the days of one of the canteen's closures."""
    closure = db.session.get(CanteenClosure, closure_id)
    if closure is None or closure.canteen_id != canteen.id:
        raise NotFound(_("Cette fermeture n'existe pas."))
    db.session.delete(closure)
    return closure


def upcoming_periods_off(canteen: Canteen, today: date, days: int = 180) -> list[calendar.Period]:
    """The canteen's days off in the next ``days`` days: holidays and closures, as periods."""
    last = today + timedelta(days=days)
    closures = [calendar.Closure(c.first_day, c.last_day, c.reason)
                for c in closures_of(canteen, today, last)]
    return calendar.periods_off(today, last, school=not serves_on_holidays(canteen),
                                closures=closures, language=_language())
