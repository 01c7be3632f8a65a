"""The one module that talks to Stripe.

Configured by ``STRIPE_SECRET_KEY``, ``STRIPE_WEBHOOK_SECRET`` and, for the tests'
emulator, ``STRIPE_API_BASE``. Every write carries an idempotency key, so a call
retried after a timeout (by the library or by a Celery retry) has a single effect.
What goes out of here is plain data, never a Stripe object.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import stripe
from flask import current_app

log = logging.getLogger(__name__)
CURRENCY = "eur"
SIGNATURE_TOLERANCE_S = 300


class GatewayError(Exception):
    """Stripe refused or could not be reached; the message is for the logs."""


class InvalidSignature(Exception):
    """A webhook whose body does not match its Stripe-Signature."""


@dataclass(frozen=True)
class CheckoutLine:
    name: str
    unit_amount_cents: int
    quantity: int


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str  # open / complete / expired
    payment_status: str  # paid / unpaid / no_payment_required
    amount_total_cents: int
    payment_intent_id: str | None
    order_id: int | None


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str
    amount_cents: int
    refund_key: str | None = None  # ours, from the metadata


def enabled() -> bool:
    """Online payment is offered only when Stripe is configured."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY")
                and current_app.config.get("STRIPE_WEBHOOK_SECRET"))


def _client() -> stripe.StripeClient:
    client = current_app.extensions.get("stripe_client")
    if client is None:
        base = current_app.config.get("STRIPE_API_BASE") or None
        client = stripe.StripeClient(
            current_app.config["STRIPE_SECRET_KEY"],
            base_addresses={"api": base} if base else None,  # type: ignore[typeddict-item]
            max_network_retries=2,
        )
        current_app.extensions["stripe_client"] = client
    return client


def _session(obj: Any) -> CheckoutSession:
    data = obj if isinstance(obj, dict) else obj.to_dict()
    intent = data.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    order_id = (data.get("metadata") or {}).get("order_id")
    return CheckoutSession(
        id=data["id"], url=data.get("url") or "", status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        amount_total_cents=int(data.get("amount_total") or 0),
        payment_intent_id=intent, order_id=int(order_id) if order_id else None,
    )


def create_checkout_session(
    order_id: int, lines: list[CheckoutLine], *, success_url: str, cancel_url: str,
    expires_at: datetime, email: str, idempotency_key: str,
) -> CheckoutSession:
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {"quantity": line.quantity,
             "price_data": {"currency": CURRENCY, "unit_amount": line.unit_amount_cents,
                            "product_data": {"name": line.name}}}
            for line in lines
        ],
        "metadata": {"order_id": str(order_id)},
        "payment_intent_data": {"metadata": {"order_id": str(order_id)}},
        "client_reference_id": str(order_id),
        "customer_email": email,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
    }
    try:
        session = _client().v1.checkout.sessions.create(
            params, options={"idempotency_key": idempotency_key})  # type: ignore[arg-type]
    except stripe.StripeError as error:
        raise GatewayError(f"checkout session for order {order_id}: {error}") from error
    return _session(session)


def retrieve_session(session_id: str) -> CheckoutSession:
    try:
        return _session(_client().v1.checkout.sessions.retrieve(session_id))
    except stripe.StripeError as error:
        raise GatewayError(f"retrieve session {session_id}: {error}") from error


def expire_session(session_id: str) -> CheckoutSession:
    """Close an open session so nobody can pay it any more; return its state after."""
    try:
        return _session(_client().v1.checkout.sessions.expire(
            session_id, options={"idempotency_key": f"paniers-expire-{session_id}"}))
    except stripe.InvalidRequestError:
        # Already complete or expired: Stripe refuses; its state is the answer.
        return retrieve_session(session_id)
    except stripe.StripeError as error:
        raise GatewayError(f"expire session {session_id}: {error}") from error


def refund(payment_intent_id: str, amount_cents: int, *, idempotency_key: str,
           metadata: dict[str, str]) -> RefundResult:
    try:
        result = _client().v1.refunds.create(
            {"payment_intent": payment_intent_id, "amount": amount_cents,
             "metadata": metadata},
            options={"idempotency_key": idempotency_key})
    except stripe.StripeError as error:
        raise GatewayError(f"refund of {payment_intent_id}: {error}") from error
    return RefundResult(id=result.id, status=result.status or "",
                        amount_cents=int(result.amount or 0))


def list_refunds(payment_intent_id: str) -> list[RefundResult]:
    """The refunds that succeeded on a payment, as Stripe knows them."""
    try:
        page = _client().v1.refunds.list({"payment_intent": payment_intent_id, "limit": 100})
    except stripe.StripeError as error:
        raise GatewayError(f"refunds of {payment_intent_id}: {error}") from error
    found = [r.to_dict() for r in page.data]
    return [RefundResult(id=r["id"], status=r.get("status") or "",
                         amount_cents=int(r.get("amount") or 0),
                         refund_key=(r.get("metadata") or {}).get("refund_key"))
            for r in found if r.get("status") in ("succeeded", "pending")]


def verify_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event as plain data, if its signature is right for our webhook secret."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET") or ""
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature, secret,
                                              SIGNATURE_TOLERANCE_S)
        event = json.loads(text)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise InvalidSignature(str(error)) from error
    if not isinstance(event, dict) or "id" not in event or "type" not in event:
        raise InvalidSignature("not an event")
    return event
