"""The roles a person holds, the one they act in now, and accounts switched off.

``User.role`` (with ``farm_id``, ``point_id``, ``canteen_id``) stays the role the person
acts in now, so every page keeps reading it; the ``memberships`` rows list every role
they hold. An account made before memberships existed (or by a test) holds its current
role even without a row: the row is written the first time its roles change.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from canteens.models import Canteen
from paniers.accounts.models import Membership, Role, User
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.journal import services as journal
from paniers.points.models import PickupPoint
from paniers.transaction import transaction
from paniers.types import utcnow
from producers.models import Farm

ROLE_NAMES = {
    Role.HOUSEHOLD: _l("Foyer"),
    Role.FARMER: _l("Producteur"),
    Role.CANTEEN_MANAGER: _l("Gestionnaire de cantine"),
    Role.RELAY_HOST: _l("Hôte de point relais"),
    Role.COORDINATOR: _l("Coordination"),
}
Ties = tuple[int | None, int | None, int | None]  # farm, point, canteen


def check_ties(role: str, farm_id: int | None = None, point_id: int | None = None,
               canteen_id: int | None = None) -> Ties:
    """The farm, point or canteen a role is tied to, checked: a farmer needs a farm, a host
    a point, a canteen manager a canteen; a coordinator nothing; a household at most its
    usual point. Raise a ``ServiceError`` naming what is wrong."""
    if role not in set(Role):
        raise ServiceError(_("Rôle inconnu."))
    farm_id, point_id, canteen_id = farm_id or None, point_id or None, canteen_id or None
    needed = {Role.FARMER: (Farm, farm_id, _("Choisissez la ferme de ce producteur.")),
              Role.RELAY_HOST: (PickupPoint, point_id, _("Choisissez le point de cet hôte.")),
              Role.CANTEEN_MANAGER: (Canteen, canteen_id,
                                     _("Choisissez la cantine de ce gestionnaire."))}
    if role in needed:
        model, wanted, message = needed[Role(role)]
        if wanted is None or db.session.get(model, wanted) is None:
            raise ServiceError(message)
        return (farm_id if role == Role.FARMER else None,
                point_id if role == Role.RELAY_HOST else None,
                canteen_id if role == Role.CANTEEN_MANAGER else None)
    if role == Role.HOUSEHOLD and point_id and db.session.get(PickupPoint, point_id) is None:
        raise ServiceError(_("Choisissez un point de retrait de la liste."))
    return (None, point_id if role == Role.HOUSEHOLD else None, None)


def _current_ties(user: User) -> tuple[str, Ties]:
    role = user.role
    return role, (user.farm_id if role == Role.FARMER else None,
                  user.point_id if role in (Role.RELAY_HOST, Role.HOUSEHOLD) else None,
                  user.canteen_id if role == Role.CANTEEN_MANAGER else None)


def _same(membership: Membership, role: str, ties: Ties) -> bool:
    if membership.role != role:
        return False
    if role == Role.HOUSEHOLD:  # one household role, whatever its usual point
        return True
    return (membership.farm_id, membership.point_id, membership.canteen_id) == ties


def _rows(user: User) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)))


def _current_row(user: User, rows: list[Membership]) -> Membership | None:
    role, ties = _current_ties(user)
    return next((m for m in rows if m.active and _same(m, role, ties)), None)


def held(user: User) -> list[Membership]:
    """Every active role of the person, the current one included (unsaved if it has no
    row yet: its id is None)."""
    rows = _rows(user)
    active = [m for m in rows if m.active]
    if _current_row(user, rows) is None:
        role, (farm_id, point_id, canteen_id) = _current_ties(user)
        active.insert(0, Membership(user_id=user.id, role=role, farm_id=farm_id,
                                    point_id=point_id, canteen_id=canteen_id, active=True))
    return active


def is_current(user: User, membership: Membership) -> bool:
    role, ties = _current_ties(user)
    return _same(membership, role, ties)


def _ensure_current(user: User) -> list[Membership]:
    """Write the current role's row if it has none; the person's rows."""
    rows = _rows(user)
    if _current_row(user, rows) is None:
        role, (farm_id, point_id, canteen_id) = _current_ties(user)
        row = Membership(user_id=user.id, role=role, farm_id=farm_id, point_id=point_id,
                         canteen_id=canteen_id, active=True, created_dt=utcnow())
        db.session.add(row)
        db.session.flush()
        rows.append(row)
    return rows


def label(membership: Membership) -> str:
    """"Producteur — Ferme du Marais": the role and what it is tied to."""
    name = str(ROLE_NAMES.get(membership.role, membership.role))
    place = None
    if membership.farm_id:
        place = db.session.get(Farm, membership.farm_id)
    elif membership.canteen_id:
        place = db.session.get(Canteen, membership.canteen_id)
    elif membership.point_id and membership.role == Role.RELAY_HOST:
        place = db.session.get(PickupPoint, membership.point_id)
    return f"{name} — {place.name}" if place is not None else name


def _apply(user: User, membership: Membership) -> None:
    user.role = membership.role
    user.farm_id, user.canteen_id = membership.farm_id, membership.canteen_id
    user.point_id = membership.point_id


@transaction()
def switch_role(user: User, membership_id: int) -> Membership:
    """Act in another of one's own roles from now on, without logging out."""
    rows = _ensure_current(user)
    target = next((m for m in rows if m.id == membership_id and m.active), None)
    if target is None:
        raise ServiceError(_("Vous n'avez pas ce rôle."))
    current = _current_row(user, rows)
    if current is not None and current.role == Role.HOUSEHOLD:
        current.point_id = user.point_id  # the usual point, found again when coming back
    _apply(user, target)
    return target


@transaction()
def add_role(user: User, role: str, *, farm_id: int | None = None,
             point_id: int | None = None, canteen_id: int | None = None) -> Membership:
    """Give the person one more role (the one they act in stays the same)."""
    ties = check_ties(role, farm_id, point_id, canteen_id)
    rows = _ensure_current(user)
    if any(m.active and _same(m, role, ties) for m in rows):
        raise ServiceError(_("Cette personne a déjà ce rôle."))
    again = next((m for m in rows if not m.active and _same(m, role, ties)), None)
    membership = again or Membership(user_id=user.id, role=role, farm_id=ties[0],
                                     point_id=ties[1], canteen_id=ties[2],
                                     created_dt=utcnow())
    membership.active = True
    db.session.add(membership)
    db.session.flush()
    journal.record("member.role_added", subject=user.name, role=role, user=user.id)
    return membership


def coordinators_left(excluding: User | None = None) -> int:
    """Active accounts that hold the coordinator role (other than ``excluding``)."""
    holds = exists().where(Membership.user_id == User.id, Membership.active.is_(True),
                           Membership.role == Role.COORDINATOR)
    query = select(func.count()).select_from(User).where(
        User.deactivated_dt.is_(None), (User.role == Role.COORDINATOR) | holds)
    if excluding is not None:
        query = query.where(User.id != excluding.id)
    return int(db.session.scalar(query) or 0)


@transaction()
def remove_role(user: User, membership_id: int) -> None:
    """Take one role away (its row stays, inactive). A person keeps at least one role, and
    the collective at least one coordinator."""
    rows = _ensure_current(user)
    target = next((m for m in rows if m.id == membership_id and m.active), None)
    if target is None:
        raise NotFound(_("Ce rôle n'existe pas ou a déjà été retiré."))
    others = [m for m in rows if m.active and m.id != target.id]
    if not others:
        raise ServiceError(_("C'est son seul rôle : désactivez plutôt le compte."))
    if target.role == Role.COORDINATOR and not any(
            m.role == Role.COORDINATOR for m in others) and not coordinators_left(user):
        raise ServiceError(_("Le collectif doit garder au moins une personne à la "
                             "coordination."))
    if is_current(user, target):
        _apply(user, others[0])
    target.active = False
    journal.record("member.role_removed", subject=user.name, role=target.role, user=user.id)


@transaction()
def deactivate(user: User, by: User | None = None) -> None:
    """The account can no longer log in, and its open sessions end; its history stays."""
    if by is not None and by.id == user.id:
        raise ServiceError(_("Vous ne pouvez pas désactiver votre propre compte."))
    if user.deactivated_dt is not None:
        raise ServiceError(_("Ce compte est déjà désactivé."))
    holds = any(m.role == Role.COORDINATOR for m in held(user))
    if holds and not coordinators_left(user):
        raise ServiceError(_("Le collectif doit garder au moins une personne à la "
                             "coordination."))
    user.deactivated_dt = utcnow()
    user.session_version += 1
    journal.record("member.deactivated", subject=user.name, user=user.id)


@transaction()
def reactivate(user: User) -> None:
    """The account can log in again, with its password of before."""
    if user.deactivated_dt is None:
        raise ServiceError(_("Ce compte est actif."))
    user.deactivated_dt = None
    journal.record("member.reactivated", subject=user.name, user=user.id)


def owner_of(membership_id: int) -> User:
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        raise NotFound(_("Ce rôle n'existe pas ou a déjà été retiré."))
    return member(membership.user_id)


def member(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Cette personne n'existe pas."))
    return user


# -- the coordinators' list ---------------------------------------------------------

PAGE_LIMIT = 100


def people(search: str = "", role: str = "") -> tuple[list[tuple[User, list[Membership]]], bool]:
    """The accounts (deleted ones aside) matching a search on name or address and holding
    ``role`` if given, by name, with their active roles; and whether more were left out."""
    query = select(User).where(User.email.not_like("%@deleted.invalid")).order_by(
        func.lower(User.name), User.id)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.name).like(pattern)
                            | func.lower(User.email).like(pattern))
    if role:
        holds = exists().where(Membership.user_id == User.id, Membership.active.is_(True),
                               Membership.role == role)
        query = query.where((User.role == role) | holds)
    found = list(db.session.scalars(query.limit(PAGE_LIMIT + 1)))
    return [(user, held(user)) for user in found[:PAGE_LIMIT]], len(found) > PAGE_LIMIT


def network_choices() -> dict[str, list[tuple[int, str]]]:
    """The farms, points and canteens a role may be tied to, for the forms."""
    farms = db.session.scalars(select(Farm).order_by(Farm.name))
    points = db.session.scalars(select(PickupPoint).where(PickupPoint.active.is_(True))
                                .order_by(PickupPoint.town, PickupPoint.name))
    canteens = db.session.scalars(select(Canteen).order_by(Canteen.name))
    return {"farm": [(f.id, f.name) for f in farms],
            "point": [(p.id, f"{p.town} — {p.name}") for p in points],
            "canteen": [(c.id, c.name) for c in canteens]}
