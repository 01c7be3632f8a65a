"""Notifying households by email: what to send, to whom, once.

Every message is first a row of ``outbound_messages`` with a unique key per
(kind, order or cycle, user), then a Celery task sends it and marks it sent. A
retried task, a second call or the sweep finds the row already sent and does
nothing: nobody gets the same message twice.

The ``notify_*`` functions are the public API for the other areas. Called on their
own they commit the rows they add, then queue the sending; called inside a use case
(``paniers.transaction``) the rows commit with it, and the sending is queued after.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from paniers.accounts.models import Membership, Role, User
from paniers.background import BULK_PRIORITY, BrokerUnavailable, enqueue
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import PARIS, CycleStatus
from paniers.extensions import db
from paniers.notifications.models import (
    ALWAYS_SENT,
    CHOOSABLE,
    Kind,
    MessageStatus,
    NotificationPreference,
    OutboundMessage,
)
from paniers.orders.models import Order, OrderStatus
from paniers.subscriptions.models import Subscription
from paniers.transaction import after_commit, transaction
from paniers.types import utcnow

log = logging.getLogger(__name__)
SEND_TASK = "paniers.notifications.tasks.send_message"
DELETED_DOMAIN = "@deleted.invalid"


# -- what each household chooses ------------------------------------------------

def preferences(user: User) -> dict[str, bool]:
    """Every kind of message, and whether the user receives it (yes unless they said no)."""
    chosen = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.enabled)
        .where(NotificationPreference.user_id == user.id)).all())
    return {kind: chosen.get(kind, True) for kind in CHOOSABLE}


@transaction()
def set_preferences(user: User, wanted: set[str]) -> None:
    """Receive exactly the kinds in ``wanted``."""
    rows = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind in CHOOSABLE:
        row = rows.get(kind) or NotificationPreference(user_id=user.id, kind=kind)
        row.enabled = kind in wanted
        db.session.add(row)


def _reachable(user: User) -> bool:
    return not (user.email.endswith(DELETED_DOMAIN) or user.deactivated_dt is not None)


def _refusing(user_ids: set[int], kind: str) -> set[int]:
    """Those of ``user_ids`` who turned ``kind`` off: one query for a whole mailing (the
    week's opening goes to every household), by chunks the databases accept."""
    if kind in ALWAYS_SENT or not user_ids:
        return set()
    ids, refused = sorted(user_ids), set()
    for start in range(0, len(ids), 1000):
        refused.update(db.session.scalars(select(NotificationPreference.user_id).where(
            NotificationPreference.kind == kind, NotificationPreference.enabled.is_(False),
            NotificationPreference.user_id.in_(ids[start:start + 1000]))))
    return refused


def wants(user: User, kind: str) -> bool:
    if not _reachable(user):
        return False
    if kind in ALWAYS_SENT:
        return True
    enabled = db.session.scalar(select(NotificationPreference.enabled).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == kind))
    return enabled is None or bool(enabled)


# -- queueing -------------------------------------------------------------------

def message_key(kind: str, user_id: int, *, order_id: int | None = None,
                cycle_id: int | None = None, reference: str = "") -> str:
    about = (f"order:{order_id}" if order_id is not None
             else f"cycle:{cycle_id}" if cycle_id is not None else "")
    return ":".join(part for part in (kind, about, f"user:{user_id}", reference) if part)


def _insert_ignoring_duplicates(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(OutboundMessage).values(rows)
                       .on_conflict_do_nothing(index_elements=["key"]))


def _queue(wanted: list[tuple[User, dict[str, Any]]], kind: str) -> list[int]:
    """Add a pending message per (user, facts) unless its key exists; send the pending ones."""
    now = utcnow()
    rows, keys = [], []
    refused = _refusing({user.id for user, _about in wanted}, kind)
    for user, about in wanted:
        if user.id in refused or not _reachable(user):
            continue
        reference = about.pop("reference", "")
        key = message_key(kind, user.id, order_id=about.get("order_id"),
                          cycle_id=about.get("cycle_id"), reference=reference)
        keys.append(key)
        rows.append({"key": key, "kind": kind, "user_id": user.id, "status": "pending",
                     "recipient": "", "subject": "", "error": "", "created_dt": now,
                     "order_id": None, "cycle_id": None, "amount_cents": None, **about})
    with transaction():  # the caller's, when it is one: the messages commit with its data
        _insert_ignoring_duplicates(rows)
        if not keys:
            return []
        pending = list(db.session.scalars(select(OutboundMessage.id).where(
            OutboundMessage.key.in_(keys), OutboundMessage.status == MessageStatus.PENDING)))
        for message_id in pending:
            after_commit(partial(_hand_to_workers, message_id))
    return pending


_CONFIRMATION_COLUMNS = ("key", "kind", "user_id", "order_id", "cycle_id", "status",
                         "recipient", "subject", "error", "created_dt")
_confirmation_inserts: dict[str, Any] = {}


def _confirmation_insert(dialect: str) -> Any:
    """INSERT a pending message unless the user said no to its kind (or its key exists),
    RETURNING its id: built once per dialect, its SQL compiled once."""
    if dialect not in _confirmation_inserts:
        messages, choices = OutboundMessage.__table__, NotificationPreference.__table__
        refused = select(choices.c.id).where(
            choices.c.user_id == bindparam("p_user_id"), choices.c.kind == bindparam("p_kind"),
            choices.c.enabled.is_(False))
        values = select(*(bindparam(f"p_{name}", type_=messages.c[name].type)
                          for name in _CONFIRMATION_COLUMNS)).where(~refused.exists())
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        _confirmation_inserts[dialect] = (
            insert(messages).from_select(list(_CONFIRMATION_COLUMNS), values)
            .on_conflict_do_nothing(index_elements=["key"]).returning(messages.c.id))
    return _confirmation_inserts[dialect]


def add_order_confirmation(order: Order, user: User) -> int | None:
    """Inside the transaction that places ``order`` (flushed): its confirmation row,
    unless the household said no, in one statement. Return the message's id, for
    ``hand_to_workers`` once the caller has committed; None when there is nothing to send.

    The row commits or rolls back with the order, so an order is never without its
    confirmation and a refused order never gets one; the key makes it once per order."""
    if order.canteen_id is not None or user.email.endswith(DELETED_DOMAIN):
        return None
    kind = Kind.ORDER_CONFIRMATION
    connection = db.session.connection()
    message_id = connection.execute(_confirmation_insert(connection.dialect.name), {
        "p_key": message_key(kind, user.id, order_id=order.id), "p_kind": str(kind),
        "p_user_id": user.id, "p_order_id": order.id, "p_cycle_id": order.cycle_id,
        "p_status": str(MessageStatus.PENDING), "p_recipient": "", "p_subject": "",
        "p_error": "", "p_created_dt": utcnow()}).scalar()
    return int(message_id) if message_id is not None else None


def hand_to_workers(message_id: int) -> None:
    """Queue the sending of a committed message (``add_order_confirmation``)."""
    _hand_to_workers(message_id)


def _hand_to_workers(message_id: int) -> None:
    try:
        enqueue(SEND_TASK, message_id, priority=BULK_PRIORITY)  # after the cycle's steps
    except BrokerUnavailable:  # the message stays pending: the sweep sends it later
        log.warning("broker down: message %s will be sent by the sweep", message_id)


def _order(order_id: int) -> Order | None:
    order = db.session.get(Order, order_id)
    if order is None or order.canteen_id is not None:
        return None
    return order


def _about_order(kind: str, order_id: int, **extra: Any) -> list[int]:
    order = _order(order_id)
    if order is None:
        return []
    return _queue([(order.user, {"order_id": order.id, "cycle_id": order.cycle_id, **extra})],
                  kind)


def notify_order_confirmed(order_id: int) -> list[int]:
    """The household's order is placed: its lines, point, window and the .ics slot."""
    return _about_order(Kind.ORDER_CONFIRMATION, order_id)


def notify_shortage(order_id: int) -> list[int]:
    """Tell the household what is missing from its order and what is refunded.

    For the allocation: call once the cycle's ``Shortage`` rows are committed; the
    message lists the order's shortages as they are when it is sent.
    """
    return _about_order(Kind.SHORTAGE, order_id)


def notify_shortages(order_ids: list[int]) -> list[int]:
    """:func:`notify_shortage` for many orders (a week's publication): the orders and
    their households read at once, the messages written in one insert."""
    found: list[Order] = []
    for start in range(0, len(order_ids), 1000):
        found += db.session.scalars(select(Order).where(
            Order.id.in_(order_ids[start:start + 1000]), Order.canteen_id.is_(None))
            .options(selectinload(Order.user)).order_by(Order.id))
    return _queue([(order.user, {"order_id": order.id, "cycle_id": order.cycle_id})
                   for order in found], Kind.SHORTAGE)


def notify_refund(order_id: int, amount_cents: int, reference: str = "") -> list[int]:
    """Tell the household a refund of ``amount_cents`` on its order.

    For the payments: ``reference`` (a refund id) tells two refunds of one order apart.
    """
    return _about_order(Kind.REFUND, order_id, amount_cents=amount_cents,
                        reference=f"ref:{reference}" if reference else "")


def notify_missed_pickup(order_id: int) -> list[int]:
    """The order was not collected: what became of it (the evening's closure)."""
    return _about_order(Kind.MISSED_PICKUP, order_id)


def notify_cycle_open(cycle_id: int) -> list[int]:
    """Every household: this week's baskets, and its subscription order if it has one."""
    # Also the people acting in another role now (a farmer who orders a basket too).
    orders_too = exists().where(Membership.user_id == User.id, Membership.active.is_(True),
                                Membership.role == Role.HOUSEHOLD)
    households = db.session.scalars(select(User).where(
        (User.role == Role.HOUSEHOLD) | orders_too, User.deactivated_dt.is_(None),
        User.email.not_like(f"%{DELETED_DOMAIN}")))
    return _queue([(user, {"cycle_id": cycle_id}) for user in households], Kind.CYCLE_OPEN)


def notify_subscription_skipped(subscription_id: int, cycle_id: int) -> list[int]:
    """A subscription gave no order this week (stock or quota short): say so."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        return []
    return _queue([(subscription.user, {"cycle_id": cycle_id})], Kind.SUBSCRIPTION_SKIPPED)


def notify_account_exists(user_id: int) -> list[int]:
    """Someone tried to register with the address of ``user_id``: tell its owner (log in,
    or ignore it). At most one such message per account and hour, however many tries."""
    user = db.session.get(User, user_id)
    if user is None:
        return []
    hour = utcnow().strftime("%Y%m%d%H")
    return _queue([(user, {"reference": hour})], Kind.ACCOUNT_EXISTS)


def notify_confirm_email(user_id: int) -> list[int]:
    """A new account: send its owner the link that confirms the address (and so lets the
    account log in). Once per account; the link is signed when the message is composed."""
    user = db.session.get(User, user_id)
    if user is None or user.email_confirmed_dt is not None:
        return []
    return _queue([(user, {})], Kind.CONFIRM_EMAIL)


def notify_password_reset(user_id: int) -> list[int]:
    """Someone asked for a new password for ``user_id``: send the link that sets one. At
    most one message a minute per account, however many requests."""
    user = db.session.get(User, user_id)
    if user is None:
        return []
    minute = utcnow().strftime("%Y%m%d%H%M")
    return _queue([(user, {"reference": minute})], Kind.PASSWORD_RESET)


def notify_pickup_reminders(cycle_id: int) -> list[int]:
    """On pickup day: each order to collect, with the point's address, window and contents."""
    orders = db.session.scalars(select(Order).where(
        Order.cycle_id == cycle_id, Order.status == OrderStatus.PLACED,
        Order.canteen_id.is_(None)).order_by(Order.id))
    return _queue([(order.user, {"order_id": order.id, "cycle_id": cycle_id})
                   for order in orders], Kind.PICKUP_REMINDER)


DELIVERING = (CycleStatus.OPEN, CycleStatus.CLOSED, CycleStatus.ALLOCATED, CycleStatus.ROUTED,
              CycleStatus.DELIVERED)


def remind_today(today: date | None = None) -> list[int]:
    """Reminders for every cycle delivering today (Paris time): run each morning by beat."""
    today = today or utcnow().astimezone(PARIS).date()
    cycle_ids = db.session.scalars(select(OrderCycle.id).where(
        OrderCycle.delivery_date == today, OrderCycle.status.in_(DELIVERING))).all()
    return [mid for cycle_id in cycle_ids for mid in notify_pickup_reminders(cycle_id)]


def recent_messages(limit: int = 100) -> list[OutboundMessage]:
    return list(db.session.scalars(
        select(OutboundMessage).order_by(OutboundMessage.id.desc()).limit(limit)))


def forget_recipient(user: User) -> None:
    """An account is deleted: its address leaves the log and nothing more is sent; no commit."""
    db.session.execute(update(OutboundMessage).where(OutboundMessage.user_id == user.id)
                       .values(recipient=""))
    db.session.execute(update(OutboundMessage).where(
        OutboundMessage.user_id == user.id, OutboundMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.FAILED, error="account deleted"))
