"""Use cases of the network's administration: add, edit, deactivate and reactivate the
farms, products, points, hubs, canteens and basket formats.

Nothing is ever deleted (past weeks, reports and exports refer to it): a thing that is no
longer part of the network is deactivated. Every change is written in the journal, in the
change's own transaction, under the thing's name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from paniers.accounts.models import Role, User
from paniers.collation import sort_key
from paniers.cycles.models import BasketFormat, OrderCycle
from paniers.cycles.states import CycleStatus
from paniers.errors import Forbidden, NotFound, ServiceError
from paniers.extensions import db
from paniers.geo import road_distance_m
from paniers.journal import services as journal
from paniers.network.admin.kinds import CANTEENS, FARMS, FORMATS, HUBS, POINTS, Kind
from paniers.points.models import Hub, PickupPoint, PointKind
from paniers.transaction import transaction
from producers.models import Farm

ACTIVE, INACTIVE, EVERY = "actifs", "inactifs", "tous"
EDITABLE_WEEKS = (CycleStatus.DRAFT, CycleStatus.OPEN)
FARM_PROFILE = ("address", "contact_name", "contact_phone", "contact_email",
                "farmed_area_ares", "organic_area_ares")
POINT_ACCESS = ("access_notes", "phone")
# What households were told of a format they bought: it no longer changes that week.
SOLD_TERMS = ("price_cents", "solidarity_price_cents", "target_weight_g")


class Refused(ServiceError):
    """A refusal that belongs next to one field of the form (or the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def listing(kind: Kind, state: str = ACTIVE) -> list[Any]:
    """The things of a kind, active, inactive or all, in French alphabetical order."""
    query = select(kind.model)
    if state == ACTIVE:
        query = query.where(kind.model.active.is_(True))
    elif state == INACTIVE:
        query = query.where(kind.model.active.is_(False))
    if kind is FORMATS:
        query = query.join(OrderCycle).where(OrderCycle.status.in_(EDITABLE_WEEKS))
        return sorted(db.session.scalars(query),
                      key=lambda f: (f.cycle.delivery_date, f.price_cents))
    return sorted(db.session.scalars(query), key=lambda thing: sort_key(thing.name))


def get(kind: Kind, thing_id: int) -> Any:
    thing = db.session.get(kind.model, thing_id)
    if thing is None:
        raise NotFound(_("Cette fiche n'existe pas."))
    return thing


def subject(thing: Any) -> str:
    """The name the journal gives the thing."""
    if isinstance(thing, BasketFormat):
        return f"{thing.label} ({thing.cycle.delivery_date.isoformat()})"
    return str(thing.name)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "x"


def _free_code(model: Any, stem: str, size: int, **scope: Any) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... the first no row of the model holds yet."""
    taken = set(db.session.scalars(select(model.code).filter_by(**scope)))
    stem = stem[:size]
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = stem[:size - len(suffix)] + suffix
    return candidate


def _name_taken(kind: Kind, values: dict[str, Any], thing_id: int | None) -> bool:
    model = kind.model
    query = select(model.id).where(func.lower(model.name) == values["name"].lower())
    if kind is POINTS:
        query = query.where(func.lower(model.town) == values["town"].lower())
    if kind is FORMATS:
        query = query.where(model.cycle_id == values["cycle_id"])
    if thing_id is not None:
        query = query.where(model.id != thing_id)
    return db.session.scalar(query.limit(1)) is not None


def _hub_distance_m(farm: Farm) -> int:
    """From the farm to the nearest active hub, by road (estimated)."""
    hubs = db.session.scalars(select(Hub).where(Hub.active.is_(True))).all()
    return min((road_distance_m(farm.lat, farm.lon, hub.lat, hub.lon) for hub in hubs),
               default=0)


def _check(kind: Kind, thing: Any, values: dict[str, Any]) -> None:
    """What only the database can tell: a name taken, a point of the wrong kind, a format
    that households have already bought."""
    if "name" in values and _name_taken(kind, values, thing.id if thing else None):
        raise Refused(str(kind.taken), "name")
    if kind is CANTEENS:
        point = db.session.get(PickupPoint, values.get("point_id") or 0)
        if point is None or point.kind != PointKind.CANTEEN:
            raise Refused(_("Choisissez un point de livraison de type cantine."), "point_id")
    if kind is FORMATS:
        _check_format(thing, values)


def _check_format(fmt: BasketFormat | None, values: dict[str, Any]) -> None:
    cycle = db.session.get(OrderCycle, values["cycle_id"])
    if cycle is None or cycle.status not in EDITABLE_WEEKS:
        raise Refused(_("Cette semaine est close : ses formats de panier ne changent plus."))
    sold = fmt.sold if fmt is not None else 0
    if values["quota"] < sold:
        raise Refused(ngettext("Déjà %(num)d panier vendu : le quota ne peut descendre en "
                               "dessous.", "Déjà %(num)d paniers vendus : le quota ne peut "
                               "descendre en dessous.", sold), "quota")
    if sold and fmt is not None:
        for field in SOLD_TERMS:
            if values[field] != getattr(fmt, field):
                raise Refused(_("Des foyers ont déjà acheté ce panier cette semaine : son prix "
                                "et son poids ne changent plus."), field)


def _fill(kind: Kind, thing: Any, values: dict[str, Any]) -> list[str]:
    """Write the values; the names of those that changed."""
    changed = [name for name, value in values.items() if getattr(thing, name, None) != value]
    for name in changed:
        setattr(thing, name, values[name])
    if kind is FARMS and {"lat", "lon"} & set(changed):
        thing.distance_m = _hub_distance_m(thing)
    return changed


@transaction()
def create(kind: Kind, values: dict[str, Any]) -> Any:
    """Add a farm, product, point, hub, canteen or (to a week) basket format."""
    _check(kind, None, values)
    thing = kind.model()
    if kind is FORMATS:
        thing.code = _free_code(BasketFormat, _slug(values["name"]), 10,
                                cycle_id=values["cycle_id"])
        thing.sold = 0
    elif kind.code_prefix:
        thing.code = _free_code(kind.model, f"{kind.code_prefix}-{_slug(values['name'])}", 40)
    if kind is FARMS:
        thing.distance_m = 0
    thing.active = True
    _fill(kind, thing, values)
    db.session.add(thing)
    db.session.flush()
    journal.record("network.created", subject=subject(thing), what=kind.slug, id=thing.id,
                   cycle_id=thing.cycle_id if kind is FORMATS else None)
    return thing


@transaction()
def update(kind: Kind, thing_id: int, values: dict[str, Any]) -> list[str]:
    """Change a thing's record; the fields that changed (none: nothing written)."""
    thing = get(kind, thing_id)
    if kind is FORMATS:
        values = {**values, "cycle_id": thing.cycle_id}
    _check(kind, thing, values)
    changed = _fill(kind, thing, values)
    if changed:
        journal.record("network.updated", subject=subject(thing), what=kind.slug, id=thing.id,
                       fields=changed)
    return changed


@transaction()
def set_active(kind: Kind, thing_id: int, active: bool) -> Any:
    """Deactivate (gone from ordering, kept in history) or reactivate."""
    thing = get(kind, thing_id)
    if kind is FORMATS and thing.cycle.status not in EDITABLE_WEEKS:
        raise Refused(_("Cette semaine est close : ses formats de panier ne changent plus."))
    if kind is HUBS and not active and thing.active and db.session.scalar(
            select(func.count()).select_from(Hub).where(Hub.active.is_(True))) == 1:
        raise Refused(_("C'est la seule plateforme active : les tournées partent d'elle. "
                        "Ajoutez-en une autre avant de la désactiver."))
    if thing.active != active:
        thing.active = active
        journal.record("network.reactivated" if active else "network.deactivated",
                       subject=subject(thing), what=kind.slug, id=thing.id)
    return thing


def members(kind: Kind, thing: Any) -> list[User]:
    """The accounts tied to a farm (its farmers), a point (its hosts) or a canteen."""
    link = {FARMS.slug: (User.farm_id, Role.FARMER),
            POINTS.slug: (User.point_id, Role.RELAY_HOST),
            CANTEENS.slug: (User.canteen_id, Role.CANTEEN_MANAGER)}.get(kind.slug)
    if link is None:
        return []
    column, role = link
    return sorted(db.session.scalars(select(User).where(column == thing.id, User.role == role)),
                  key=lambda user: sort_key(user.name))


def editable_weeks() -> list[OrderCycle]:
    """The weeks whose basket formats may still change."""
    return list(db.session.scalars(select(OrderCycle).where(
        OrderCycle.status.in_(EDITABLE_WEEKS)).order_by(OrderCycle.delivery_date)))


def canteen_points() -> list[PickupPoint]:
    return sorted(db.session.scalars(select(PickupPoint).where(
        PickupPoint.kind == PointKind.CANTEEN)), key=lambda p: sort_key(p.name))


def positions(excluding: tuple[str, int] | None = None) -> list[dict[str, Any]]:
    """Every place of the network with a position, for the map beside a position field."""
    places: list[dict[str, Any]] = []
    for kind, label in ((HUBS, "hub"), (FARMS, "farm"), (POINTS, "point")):
        for thing in db.session.scalars(select(kind.model)):
            if excluding == (kind.slug, thing.id):
                continue
            places.append({"name": thing.name, "kind": label, "active": bool(thing.active),
                           "lat": thing.lat, "lon": thing.lon})
    return places


def _own(user: User, column: str, thing_id: int) -> None:
    if getattr(user, column) != thing_id:
        raise Forbidden(_("Vous n'avez pas accès à cette page."))


def farm_of(user: User, farm_id: int) -> Farm:
    """The farmer's own farm (any other is refused)."""
    _own(user, "farm_id", farm_id)
    return get(FARMS, farm_id)


def point_of(user: User, point_id: int) -> PickupPoint:
    """The host's own point (any other is refused)."""
    _own(user, "point_id", point_id)
    return get(POINTS, point_id)


def update_farm_profile(user: User, farm_id: int, values: dict[str, Any]) -> list[str]:
    """A farmer keeps their farm's address, contact and areas up to date."""
    farm_of(user, farm_id)
    return update(FARMS, farm_id, {name: values[name] for name in FARM_PROFILE})


def update_point_access(user: User, point_id: int, values: dict[str, Any]) -> list[str]:
    """A host keeps their point's access notes and phone up to date."""
    point_of(user, point_id)
    return update(POINTS, point_id, {name: values[name] for name in POINT_ACCESS})
