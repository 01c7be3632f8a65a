"""Fixtures and steps of the payment journeys: the Stripe emulator, the application
served on a real port (so the emulator can POST its webhooks to it), and a household
paying as a person would."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from sqlalchemy import func, select
from werkzeug.serving import make_server

from paniers.extensions import db
from paniers.orders.models import Order
from paniers.payments import events, refunds
from paniers.payments.models import Payment, ProviderEvent, RefundStatus
from tests.conftest import REQUIRE_SERVICES, Browser
from tests.support.stripe_emulator import Emulator

WEBHOOK_SECRET = "whsec_paniers_tests_0123456789"


def signature_headers(body: str, secret: str) -> dict[str, str]:
    """The ``Stripe-Signature`` header Stripe would send with ``body`` (signed now)."""
    stamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{stamp}.{body}", secret)
    return {"Stripe-Signature": f"t={stamp},v1={signature}"}
SECRET_KEY = "sk_test_paniers_0123456789"


@pytest.fixture(scope="session")
def stripe_emulator() -> Iterator[Emulator]:
    try:
        emulator = Emulator().start()
    except (RuntimeError, ImportError, OSError) as error:
        message = f"localstripe cannot start: {error}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (PANIERS_REQUIRE_SERVICES=1)")
        pytest.skip(message)
    yield emulator
    emulator.stop()


def stripe_config(emulator: Emulator) -> dict[str, Any]:
    return {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": emulator.base}


class LiveServer:
    """The application on 127.0.0.1 in a thread, for the emulator's webhooks."""

    def __init__(self, app: Any) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def make_shop(database_url: str, emulator: Emulator, **extra: Any) -> Iterator[Any]:
    """An application with Stripe on the emulator, served live, webhooks pointed at it."""
    from paniers import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      **stripe_config(emulator), **extra})
    with app.app_context(), LiveServer(app) as live:
        emulator.send_webhooks_to(live.url + "/paiement/stripe/webhook", WEBHOOK_SECRET)
        try:
            yield app
        finally:  # also when a test closes the generator itself
            db.session.remove()
            db.engine.dispose()


def wait_for(condition: Any, what: str, timeout_s: float = 15) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        db.session.rollback()  # see what other threads committed
        db.session.expire_all()
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def received(kind: str, object_id: str | None = None, count: int = 1) -> int:
    query = select(func.count(ProviderEvent.id)).where(ProviderEvent.type == kind)
    if object_id is not None:
        query = query.where(ProviderEvent.object_id == object_id)
    found = db.session.scalar(query) or 0
    return found if found >= count else 0


def settle() -> None:
    """What the workers would do: process every event received, run pending refunds,
    until nothing is left (a refund's ``charge.refunded`` comes back as a new event)."""
    for _ in range(10):
        db.session.rollback()
        pending = list(db.session.scalars(select(ProviderEvent.id).where(
            ProviderEvent.processed_dt.is_(None)).order_by(ProviderEvent.id)))
        for row_id in pending:
            events.process(row_id)
        todo = list(db.session.scalars(select(refunds.Refund.id).where(
            refunds.Refund.status == RefundStatus.PENDING)))
        for refund_id in todo:
            refunds.execute(refund_id)
        if todo:
            time.sleep(0.3)  # their charge.refunded events on the way
            continue
        if not pending:
            return


def order_form(browser: Browser, cycle: Any, *, point_code: str = "relay-loos",
               baskets: dict[str, int] | None = None,
               products: dict[str, str] | None = None, payment: str = "online") -> dict:
    from tests.integration.test_household import order_form as household_form

    data = household_form(browser, cycle, point_code=point_code, baskets=baskets,
                          products=products)
    data["payment"] = payment
    return data


def place(browser: Browser, cycle: Any, user_email: str, **kwargs: Any) -> tuple[Payment, str]:
    """Order through the catalogue; return the payment and the page the household lands on."""
    page = browser.post("/catalogue", order_form(browser, cycle, **kwargs)).text
    db.session.expire_all()
    order_id = db.session.scalar(select(func.max(Order.id)).join(Order.user)
                                 .where(Order.user.has(email=user_email)))
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order_id))
    assert payment is not None, page
    return payment, page


def go_to_checkout(browser: Browser, order_id: int) -> str:
    reply = browser.post(f"/paiement/commandes/{order_id}/carte",
                         form_page=f"/paiement/commandes/{order_id}", follow=False)
    assert reply.status_code == 303, reply.text
    return str(reply.response.headers["Location"])


def back_from_stripe(browser: Browser, location: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", location)
    return str(browser.get(path).text)


def reload(payment: Payment) -> Payment:
    db.session.rollback()
    db.session.expire_all()
    fresh = db.session.get(Payment, payment.id)
    assert fresh is not None
    return fresh
