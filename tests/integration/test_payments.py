"""Paying online through Stripe Checkout, against the local Stripe emulator: the real
``stripe`` library, real signed webhooks, the application served on a real port."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import stripe
from sqlalchemy import func, select

from paniers.extensions import db
from paniers.notifications.models import Kind, OutboundMessage
from paniers.orders.models import Order, OrderStatus
from paniers.payments import checkout
from paniers.payments.models import PaymentStatus, ProviderEvent
from paniers.types import utcnow
from tests.conftest import Browser
from tests.integration.week import basket, open_week, stock
from tests.support.payments import (
    SECRET_KEY,
    WEBHOOK_SECRET,
    back_from_stripe,
    go_to_checkout,
    make_shop,
    place,
    received,
    reload,
    settle,
    stripe_emulator,  # noqa: F401  (fixture)
    wait_for,
)
from tests.support.stripe_emulator import DECLINED_CARD, FAILING_IBAN, PAYING_IBAN

HOUSEHOLD = "foyer@paniers.demo"


@pytest.fixture()
def shop(database_url, stripe_emulator):  # noqa: F811
    yield from make_shop(database_url, stripe_emulator)


@pytest.fixture()
def household(shop):
    browser = Browser(shop)
    browser.login(HOUSEHOLD)
    return browser


def session_of(payment, emulator):
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": emulator.base})
    return client.v1.checkout.sessions.retrieve(payment.stripe_session_id)


def test_a_paid_order_is_confirmed_by_the_webhook_not_by_the_return_page(
        household, stripe_emulator):  # noqa: F811
    cycle = open_week()
    payment, page = place(household, cycle, HOUSEHOLD, baskets={"medium": 1},
                          products={"Pomme de terre": "2,5"})
    assert "Payer 24,00\xa0€ par carte" in page
    assert payment.order.status == OrderStatus.AWAITING_PAYMENT
    assert basket(cycle.id, "medium").sold == 1  # reserved while the household pays

    status, location = stripe_emulator.pay(go_to_checkout(household, payment.order_id))
    assert status == 303
    # Back from Stripe before the webhook is processed: not confirmed by this page.
    assert "en cours de confirmation" in back_from_stripe(household, location)
    assert reload(payment).order.status == OrderStatus.AWAITING_PAYMENT

    wait_for(lambda: received("checkout.session.completed"), "the completed event")
    settle()
    payment = reload(payment)
    assert payment.order.status == OrderStatus.PLACED
    assert (payment.status, payment.charged_cents, payment.paid_cents) == ("paid", 2400, 2400)
    assert session_of(payment, stripe_emulator).amount_total == 2400
    assert "Paiement reçu" in back_from_stripe(household, location)
    assert stripe_emulator.idempotency_hits()[checkout.checkout_key(payment)] == 1
    # The confirmation goes to the household once the money is in, and once only.
    confirmations = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == Kind.ORDER_CONFIRMATION)).all()
    assert [m.order_id for m in confirmations] == [payment.order_id]


def test_a_declined_card_leaves_the_order_waiting_and_says_why(household, stripe_emulator):  # noqa: F811
    cycle = open_week()
    payment, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    url = go_to_checkout(household, payment.order_id)

    status, _location = stripe_emulator.pay(url, card=DECLINED_CARD)
    assert status == 402
    wait_for(lambda: received("payment_intent.payment_failed"), "the failure event")
    settle()
    payment = reload(payment)
    assert payment.status == PaymentStatus.PENDING and payment.charged_cents == 0
    assert payment.order.status == OrderStatus.AWAITING_PAYMENT
    page = household.get(f"/paiement/commandes/{payment.order_id}").text
    assert "Le paiement a été refusé" in page

    # The same session, a second click: the household tries another card and it works.
    assert go_to_checkout(household, payment.order_id) == url
    assert stripe_emulator.pay(url)[0] == 303
    wait_for(lambda: received("checkout.session.completed"), "the completed event")
    settle()
    assert reload(payment).status == PaymentStatus.PAID


def test_an_expired_session_puts_the_stock_back_on_sale(household, stripe_emulator):  # noqa: F811
    cycle = open_week(quotas=(1, 0, 0))
    payment, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    go_to_checkout(household, payment.order_id)
    assert basket(cycle.id, "small").sold == 1

    stripe_emulator.expire_by_time(payment.stripe_session_id)
    wait_for(lambda: received("checkout.session.expired"), "the expired event")
    settle()
    payment = reload(payment)
    assert payment.status == PaymentStatus.EXPIRED
    assert payment.order.status == OrderStatus.CANCELLED
    assert basket(cycle.id, "small").sold == 0
    assert "délai de paiement est dépassé" in household.get(
        f"/paiement/commandes/{payment.order_id}/retour").text


def test_without_any_webhook_the_scheduled_task_expires_old_reservations(
        household, stripe_emulator):  # noqa: F811
    cycle = open_week(quotas=(1, 0, 0))
    stripe_emulator.hold_events()  # Stripe's events never reach us
    opened, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    go_to_checkout(household, opened.order_id)

    later = utcnow() + timedelta(hours=1)
    assert checkout.expire_reservations(later) == [opened.id]
    opened = reload(opened)
    assert opened.status == PaymentStatus.EXPIRED and basket(cycle.id, "small").sold == 0
    assert session_of(opened, stripe_emulator).status == "expired"  # nobody can pay it now
    stripe_emulator.release_events()


def test_a_payment_that_arrives_after_the_reservation_was_released_is_refunded(
        household, stripe_emulator):  # noqa: F811
    cycle = open_week(quotas=(1, 0, 0))
    stripe_emulator.hold_events()
    payment, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    url = go_to_checkout(household, payment.order_id)
    assert stripe_emulator.pay(url)[0] == 303  # paid, but we have not heard of it
    # The sweep runs before the webhook: Stripe says the session is paid, so it is kept.
    checkout.expire_reservations(utcnow() + timedelta(hours=1))
    db.session.commit()
    payment = reload(payment)
    assert payment.status == PaymentStatus.PAID and payment.order.status == OrderStatus.PLACED
    stripe_emulator.release_events()
    wait_for(lambda: received("checkout.session.completed"), "the completed event")
    settle()
    assert reload(payment).charged_cents == 1200 and reload(payment).refunded_cents == 0


def test_a_duplicated_webhook_has_no_second_effect(household, stripe_emulator, shop):  # noqa: F811
    cycle = open_week()
    payment, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    stripe_emulator.pay(go_to_checkout(household, payment.order_id))
    wait_for(lambda: received("checkout.session.completed"), "the completed event")
    completed = db.session.scalar(select(ProviderEvent).where(
        ProviderEvent.type == "checkout.session.completed"))

    assert stripe_emulator.resend(completed.event_id) == 200  # before processing
    settle()
    assert stripe_emulator.resend(completed.event_id) == 200  # and after
    settle()
    assert db.session.scalar(select(func.count(ProviderEvent.id)).where(
        ProviderEvent.event_id == completed.event_id)) == 1
    payment = reload(payment)
    assert (payment.charged_cents, payment.refunded_cents) == (1200, 0)


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(household, shop):
    cycle = open_week()
    payment, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    forged = json.dumps({"id": "evt_forged", "type": "checkout.session.completed",
                         "data": {"object": {"id": "cs_forged", "payment_status": "paid",
                                             "metadata": {"order_id": str(payment.order_id)}}}})
    client = shop.test_client()
    stamp = int(time.time())
    for signature in (None, f"t={stamp},v1=deadbeef",
                      stripe.WebhookSignature._compute_signature(
                          f"{stamp}.{forged}", "whsec_someone_else")):
        headers = {"Stripe-Signature": signature if signature is None or "=" in signature
                   else f"t={stamp},v1={signature}"} if signature else {}
        reply = client.post("/paiement/stripe/webhook", data=forged, headers=headers,
                            content_type="application/json")
        assert reply.status_code == 400
    good = stripe.WebhookSignature._compute_signature(f"{stamp}.{forged}", WEBHOOK_SECRET)
    tampered = forged.replace("cs_forged", "cs_other")
    reply = client.post("/paiement/stripe/webhook", data=tampered,
                        headers={"Stripe-Signature": f"t={stamp},v1={good}"},
                        content_type="application/json")
    assert reply.status_code == 400
    assert db.session.scalar(select(func.count(ProviderEvent.id))) == 0
    assert reload(payment).order.status == OrderStatus.AWAITING_PAYMENT


def test_events_in_any_order_lead_to_the_same_paid_order(household, stripe_emulator):  # noqa: F811
    cycle = open_week()
    payment, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    url = go_to_checkout(household, payment.order_id)
    stripe_emulator.hold_events()
    stripe_emulator.pay(url, card=DECLINED_CARD)
    stripe_emulator.pay(url)
    delivered = stripe_emulator.release_events(order="reverse")
    assert [kind for kind, _status in delivered][0] == "checkout.session.completed"
    assert delivered[-1][0] == "payment_intent.payment_failed"
    assert all(status == 200 for _kind, status in delivered)
    settle()
    payment = reload(payment)
    assert payment.status == PaymentStatus.PAID and payment.last_error == ""
    assert payment.order.status == OrderStatus.PLACED


def test_a_delayed_debit_confirms_the_order_only_when_the_money_arrives(
        household, stripe_emulator):  # noqa: F811
    cycle = open_week()
    paid, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    assert stripe_emulator.pay(go_to_checkout(household, paid.order_id), iban=PAYING_IBAN)[0] == 303
    wait_for(lambda: received("checkout.session.async_payment_succeeded"), "the debit")
    settle()
    assert reload(paid).status == PaymentStatus.PAID

    failed, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    assert stripe_emulator.pay(go_to_checkout(household, failed.order_id),
                               iban=FAILING_IBAN)[0] == 303
    wait_for(lambda: received("checkout.session.async_payment_failed"), "the failed debit")
    settle()
    failed = reload(failed)
    assert failed.order.status == OrderStatus.CANCELLED and failed.status == PaymentStatus.FAILED
    assert basket(cycle.id, "small").sold == 1


def test_cancelling_a_paid_order_before_the_cutoff_refunds_it_in_full(
        household, stripe_emulator):  # noqa: F811
    cycle = open_week()
    payment, _page = place(household, cycle, HOUSEHOLD, baskets={"large": 1},
                           products={"Œufs": "1"})
    stripe_emulator.pay(go_to_checkout(household, payment.order_id))
    wait_for(lambda: received("checkout.session.completed"), "the completed event")
    settle()

    page = household.post(f"/mes-commandes/{payment.order_id}/annuler", {"confirmed": "1"},
                          form_page="/mes-commandes")
    assert "Commande annulée" in page.text
    assert basket(cycle.id, "large").sold == 0 and stock(cycle.id, "Œufs").sold == 0
    settle()
    wait_for(lambda: received("charge.refunded"), "the refund event")
    settle()
    payment = reload(payment)
    assert payment.refunded_cents == payment.charged_cents > 0 and payment.paid_cents == 0
    assert payment.refunds[0].status == "succeeded" and payment.refunds[0].stripe_refund_id
    assert "remboursé sur la carte" in household.get("/mes-commandes").text
    notices = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == Kind.REFUND)).all()
    assert [m.order_id for m in notices] == [payment.order_id]  # told once, with the amount


def test_cancelling_an_order_not_paid_yet_closes_its_checkout(household, stripe_emulator):  # noqa: F811
    cycle = open_week()
    payment, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    url = go_to_checkout(household, payment.order_id)
    household.post(f"/mes-commandes/{payment.order_id}/annuler", {"confirmed": "1"},
                   form_page=f"/paiement/commandes/{payment.order_id}")
    assert reload(payment).order.status == OrderStatus.CANCELLED
    assert stripe_emulator.pay(url)[0] == 410  # nobody can pay it any more
    assert basket(cycle.id, "small").sold == 0


def test_choosing_to_pay_at_pickup_instead_keeps_the_order(household, stripe_emulator):  # noqa: F811
    cycle = open_week()
    payment, _page = place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    go_to_checkout(household, payment.order_id)
    page = household.post(f"/paiement/commandes/{payment.order_id}/au-retrait",
                          form_page=f"/paiement/commandes/{payment.order_id}")
    assert "Paiement au retrait" in page.text
    payment = reload(payment)
    assert (payment.method, payment.status) == ("at_pickup", "due")
    assert payment.order.status == OrderStatus.PLACED
    assert session_of(payment, stripe_emulator).status == "expired"


def test_an_order_never_paid_is_not_live(household, shop):
    cycle = open_week()
    place(household, cycle, HOUSEHOLD, baskets={"small": 1})
    assert db.session.scalar(select(func.count(Order.id)).where(
        Order.cycle_id == cycle.id, Order.status == OrderStatus.PLACED)) == 0
