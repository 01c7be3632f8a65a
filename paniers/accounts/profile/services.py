"""A household's account: profile, choices, history, and deleting it."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from paniers.accounts.models import Role, User
from paniers.cycles.states import accepts_orders
from paniers.errors import Forbidden, ServiceError
from paniers.extensions import db
from paniers.notifications import services as notifications
from paniers.notifications.models import NotificationPreference
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderStatus
from paniers.points.models import PickupPoint
from paniers.subscriptions.services import stop_all_of
from paniers.transaction import transaction
from paniers.types import utcnow

log = logging.getLogger(__name__)
DELETED_NAME = "Compte supprimé"


def update_profile(user: User, name: str, phone: str, locale: str,
                   point_id: int | None) -> User:
    name, phone = name.strip(), phone.strip()
    if not name:
        raise ServiceError(_("Indiquez un nom."))
    if locale not in ("fr", "en"):
        raise ServiceError(_("Langue inconnue."))
    with transaction():
        user.name, user.phone, user.locale = name, phone or None, locale
        if user.role == Role.HOUSEHOLD:
            point = db.session.get(PickupPoint, point_id) if point_id else None
            if point_id and (point is None or not point.orderable):
                raise ServiceError(_("Choisissez un point de retrait de la liste."))
            user.point_id = point_id or None
    return user


def delete_account(user: User, password: str, now: datetime | None = None) -> None:
    """Remove the person, keep the accounts anonymised.

    Orders still open are cancelled (their stock goes back on sale); the orders of
    past weeks stay, for the accounting, attached to an anonymous account that can
    no longer log in.
    """
    now = now or utcnow()
    if user.role != Role.HOUSEHOLD:
        raise Forbidden(_("Seul un foyer peut supprimer son compte ici ; "
                          "écrivez à la coordination."))
    if not user.check_password(password):
        raise ServiceError(_("Mot de passe incorrect : le compte n'est pas supprimé."))
    with transaction():  # the cancellations and the anonymising, or nothing
        for order in db.session.scalars(select(Order).where(
                Order.user_id == user.id, Order.status == OrderStatus.PLACED)).all():
            if accepts_orders(order.cycle.status, order.cycle.cutoff_dt, now):
                orders.cancel_order(user, order.id, now)
        stop_all_of(user, now)
        notifications.forget_recipient(user)
        db.session.execute(delete(NotificationPreference)
                           .where(NotificationPreference.user_id == user.id))
        user.name = DELETED_NAME
        user.email = f"deleted-{user.id}{notifications.DELETED_DOMAIN}"
        user.phone = None
        user.point_id = None
        user.password_hash = "!" + generate_password_hash(secrets.token_hex(32))
    log.info("account %s deleted and anonymised", user.id)
