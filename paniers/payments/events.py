"""Stripe's webhook events: kept once by id when they arrive, processed by a worker.

Processing reads the Checkout Session back from Stripe rather than trusting the event's
snapshot, so that events arriving late, twice or out of order all lead to the state
Stripe has now.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from paniers.extensions import db
from paniers.formids import as_id
from paniers.notifications.services import notify_order_confirmed
from paniers.orders.models import Order, OrderStatus
from paniers.payments import checkout, gateway, refunds
from paniers.payments.models import Payment, PaymentStatus, ProviderEvent
from paniers.types import utcnow

log = logging.getLogger(__name__)
PROCESS_TASK = "paniers.payments.tasks.process_event"
SESSION_EVENTS = (
    "checkout.session.completed",
    "checkout.session.expired",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
)
HANDLED = (*SESSION_EVENTS, "payment_intent.payment_failed", "charge.refunded")


def _order_id(obj: dict[str, Any]) -> int | None:
    value = (obj.get("metadata") or {}).get("order_id") or obj.get("client_reference_id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return (as_id(value) or None) if isinstance(value, str) else None


def _short_text(value: Any, length: int) -> bool:
    return isinstance(value, str) and len(value) <= length


class MalformedEvent(ValueError):
    """A signed event whose shape is not that of Stripe's events (answered 400)."""


def _checked_object(event: Any) -> dict[str, Any]:
    """The event's ``data.object``, once the fields read from it have the expected types."""
    if not isinstance(event, dict) or not _short_text(event.get("id"), 255) \
            or not _short_text(event.get("type"), 80):
        raise MalformedEvent("an event has a string id and type")
    if "\\u0000" in json.dumps(event):
        raise MalformedEvent("a NUL character, which the database cannot keep")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise MalformedEvent("data.object is not an object")
    if not _short_text(obj.get("id", ""), 255) or not isinstance(obj.get("object", ""), str):
        raise MalformedEvent("data.object has a string id and kind")
    if not isinstance(obj.get("metadata") or {}, dict):
        raise MalformedEvent("data.object.metadata is not an object")
    return obj


def record(event: dict[str, Any]) -> int | None:
    """Keep a verified event; its row id, or ``None`` if it was already received.
    An event of an unexpected shape raises ``MalformedEvent``."""
    obj = _checked_object(event)
    if db.session.scalar(select(ProviderEvent.id).where(ProviderEvent.event_id == event["id"])):
        return None
    order_id = _order_id(obj)
    if order_id is not None and db.session.scalar(
            select(Payment.order_id).where(Payment.order_id == order_id)) is None:
        order_id = None
    intent = obj.get("payment_intent") if obj.get("object") == "charge" else None
    if order_id is None and isinstance(intent, str):  # a charge does not carry our metadata
        order_id = db.session.scalar(select(Payment.order_id).where(
            Payment.stripe_payment_intent_id == intent))
    row = ProviderEvent(event_id=event["id"], type=event["type"], object_id=obj.get("id", ""),
                        order_id=order_id, payload=event)
    if event["type"] not in HANDLED:
        row.processed_dt, row.outcome = utcnow(), "ignored"
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # the same event delivered twice at the same moment
        db.session.rollback()
        return None
    return row.id if row.processed_dt is None else None


def process(row_id: int, now: datetime | None = None) -> str:
    """Apply one received event (the Celery task's body): once, whatever the replays."""
    now = now or utcnow()
    row = db.session.scalar(select(ProviderEvent).where(ProviderEvent.id == row_id)
                            .with_for_update().execution_options(populate_existing=True))
    if row is None:
        return "missing"
    if row.processed_dt is not None:
        return row.outcome
    obj = row.payload["data"]["object"]
    outcome, pending = _apply(row.type, obj, now)
    row.processed_dt, row.outcome = now, outcome
    db.session.commit()
    refunds.dispatch(pending)
    if row.type in SESSION_EVENTS:
        _confirm_to_household(obj)
    log.info("event %s (%s): %s", row.event_id, row.type, outcome)
    return outcome


def _apply(kind: str, obj: dict[str, Any], now: datetime) -> tuple[str, list[int]]:
    if kind in SESSION_EVENTS:
        session = gateway.retrieve_session(obj["id"])  # the state now, not the snapshot
        failed = kind == "checkout.session.async_payment_failed"
        return f"session {session.status}/{session.payment_status}", checkout.apply_session(
            session, now, debit_failed=failed)
    if kind == "payment_intent.payment_failed":
        return _payment_failed(obj), []
    if kind == "charge.refunded":
        return _charge_refunded(obj), []
    return "ignored", []


def _confirm_to_household(session: dict[str, Any]) -> None:
    """The order confirmation goes out once the payment is in (the message is keyed by
    order: a replayed event sends nothing more)."""
    payment = _payment_for(session, None)
    if payment is not None and payment.paid_dt is not None:
        order = db.session.get(Order, payment.order_id)
        if order is not None and order.status == OrderStatus.PLACED:
            notify_order_confirmed(order.id)


def _payment_for(obj: dict[str, Any], intent_id: str | None) -> Payment | None:
    order_id = _order_id(obj)
    if order_id is not None:
        found = db.session.scalar(select(Payment).where(Payment.order_id == order_id))
        if found is not None:
            return found
    if intent_id:
        return db.session.scalar(select(Payment).where(
            Payment.stripe_payment_intent_id == intent_id))
    return None


def _payment_failed(intent: dict[str, Any]) -> str:
    """A declined card: the household may try again until the session expires."""
    payment = _payment_for(intent, intent.get("id"))
    if payment is None:
        return "no order"
    if payment.status != PaymentStatus.PENDING:
        return "stale"  # paid or released meanwhile: a late failure changes nothing
    error = intent.get("last_payment_error") or {}
    payment.last_error = str(error.get("message") or error.get("code") or "declined")[:255]
    return "declined"


def _charge_refunded(charge: dict[str, Any]) -> str:
    intent_id = charge.get("payment_intent")
    payment = _payment_for(charge, intent_id)
    if payment is None or not intent_id:
        return "no order"
    outcomes = [
        refunds.record_provider_refund(payment, item.id, item.amount_cents, item.refund_key)
        for item in gateway.list_refunds(intent_id)
    ]
    return "refunds " + ",".join(outcomes)


def unprocessed(older_than: timedelta, now: datetime | None = None) -> list[int]:
    """Events whose hand-off to the workers was lost (broker down when they came)."""
    limit = (now or utcnow()) - older_than
    return list(db.session.scalars(select(ProviderEvent.id).where(
        ProviderEvent.processed_dt.is_(None), ProviderEvent.received_dt < limit)
        .order_by(ProviderEvent.id)))
