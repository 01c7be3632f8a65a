"""A week's money: shortages refunded, solidarity baskets and their budget, payment at
pickup, the reconciliation to the cent, the webhook through a real Celery worker, and
the application without Stripe keys."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
import stripe
from sqlalchemy import select

from paniers.cycles import services as cycles
from paniers.extensions import db
from paniers.orders.models import OrderStatus
from paniers.payments import refunds, reports, solidarity
from paniers.payments.models import Payment, PaymentStatus
from tests.conftest import Browser
from tests.integration.week import MORE_VEGETABLES, delivered_today, open_week, user
from tests.support.accounts import register_confirmed
from tests.support.payments import (
    SECRET_KEY,
    go_to_checkout,
    make_shop,
    order_form,
    place,
    received,
    reload,
    settle,
    stripe_emulator,  # noqa: F401  (fixture)
    wait_for,
)

HOUSEHOLD = "foyer@paniers.demo"


@pytest.fixture()
def shop(database_url, stripe_emulator):  # noqa: F811
    yield from make_shop(database_url, stripe_emulator)


def household(app, email=HOUSEHOLD, eligible=False):
    if email != HOUSEHOLD:
        register_confirmed(email, email.split("@")[0].title(), "motdepasse-long")
    if eligible:
        solidarity.set_eligible(user(email).id, True)
    browser = Browser(app)
    browser.login(email, "paniers-demo" if email == HOUSEHOLD else "motdepasse-long")
    return browser


def charge_at_stripe(emulator, payment):
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": emulator.base})
    latest = client.v1.payment_intents.retrieve(payment.stripe_payment_intent_id).latest_charge
    return client.v1.charges.retrieve(latest if isinstance(latest, str) else latest.id)


def pay_online(browser, emulator, cycle, email, **cart):
    payment, _page = place(browser, cycle, email, **cart)
    assert emulator.pay(go_to_checkout(browser, payment.order_id))[0] == 303
    wait_for(lambda: received("checkout.session.completed", payment.stripe_session_id
                              or reload(payment).stripe_session_id), "the completed event")
    settle()
    return reload(payment)


def test_a_shortage_after_allocation_is_refunded_once_per_line(shop, stripe_emulator):  # noqa: F811
    cycle = open_week()
    browser = household(shop)
    payment = pay_online(browser, stripe_emulator, cycle, HOUSEHOLD, baskets={"small": 1},
                         products={"Pomme de terre": "2"})
    potatoes = next(line for line in payment.order.lines if line.product_id)
    cycles.close_cycle(cycle.id)

    made = refunds.refund_shortages(cycle.id, [(potatoes.id, 240)])  # 1 kg of 2 missing
    assert len(made) == 1
    settle()
    wait_for(lambda: received("charge.refunded"), "the refund event")
    settle()
    assert refunds.refund_shortages(cycle.id, [(potatoes.id, 240)]) == []  # again: nothing
    payment = reload(payment)
    assert (payment.charged_cents, payment.refunded_cents, payment.paid_cents) == (1680, 240, 1440)
    assert "Remboursement d'un manque" in browser.get("/mes-commandes").text
    assert charge_at_stripe(stripe_emulator, payment).amount_refunded == 240  # once there too


def test_a_solidarity_household_pays_its_share_until_the_budget_runs_out(
        shop, stripe_emulator):  # noqa: F811
    cycle = open_week()
    solidarity.set_fund(cycle.id, 840, 30)  # the fund's part of one small basket (12 €)
    first = household(shop, "aide1@example.org", eligible=True)
    second = household(shop, "aide2@example.org", eligible=True)

    helped = pay_online(first, stripe_emulator, cycle, "aide1@example.org",
                        baskets={"small": 1})
    assert (helped.amount_cents, helped.solidarity_cents, helped.charged_cents) == (360, 840, 360)

    # The budget is spent: the second household is told before paying, at full price.
    assert "budget solidaire de la semaine est épuisé" in second.get("/catalogue").text
    full, page = place(second, cycle, "aide2@example.org", baskets={"small": 1})
    assert "budget solidaire de la semaine est épuisé" in page
    assert "Payer 12,00\xa0€ par carte" in page
    assert (full.amount_cents, full.solidarity_cents) == (1200, 0)
    assert solidarity.fund_of(cycle.id).used_cents == 840


def test_the_host_records_payment_at_pickup_and_the_coordinator_sees_what_is_unpaid(shop):
    cycle = open_week()
    browser = household(shop)
    at_point, _page = place(browser, cycle, HOUSEHOLD, baskets={"small": 1}, payment="at_pickup")
    place(browser, cycle, HOUSEHOLD, baskets={"medium": 1}, payment="at_pickup")
    coordinator = Browser(shop)
    coordinator.login("coordination@paniers.demo")
    page = coordinator.get(f"/coordination/paiements?cycle={cycle.id}").text
    assert "2 commandes, 30,00\xa0€" in page

    cycles.close_cycle(cycle.id)
    delivered_today(cycle)  # payments at pickup are taken on the delivery day
    host = Browser(shop)
    host.login("hote@paniers.demo")
    evening = host.get("/relais/").text
    assert "À payer au retrait : 12,00\xa0€" in evening
    done = host.post(f"/paiement/retrait/{at_point.order_id}", {"means": "menadel"},
                     form_page="/relais/")
    assert "Paiement de 12,00\xa0€ enregistré (Ménadel)" in done.text
    again = host.post(f"/paiement/retrait/{at_point.order_id}", {"means": "cash"},
                      form_page="/relais/")
    assert "déjà enregistré" in again.text
    assert "1 commande, 18,00\xa0€" in coordinator.get(
        f"/coordination/paiements?cycle={cycle.id}").text


def test_a_demo_week_reconciles_to_the_cent(shop, stripe_emulator):  # noqa: F811
    """Online, at pickup and solidarity payments, a cancellation, an expired checkout,
    shortages on an online and on an at-pickup order: every figure adds up."""
    cycle = open_week(quotas=(10, 10, 5),
                      supply={"Pomme de terre": 50_000, "Œufs": 10, **MORE_VEGETABLES})
    solidarity.set_fund(cycle.id, 2000, 30)
    alice = household(shop)
    bob = household(shop, "bob@example.org", eligible=True)
    chloe = household(shop, "chloe@example.org")

    online = pay_online(alice, stripe_emulator, cycle, HOUSEHOLD, baskets={"medium": 1},
                        products={"Pomme de terre": "2,5"})
    helped = pay_online(bob, stripe_emulator, cycle, "bob@example.org", baskets={"large": 1})
    at_pickup, _page = place(chloe, cycle, "chloe@example.org", baskets={"small": 1},
                             products={"Œufs": "1"}, payment="at_pickup")
    cancelled = pay_online(chloe, stripe_emulator, cycle, "chloe@example.org",
                           baskets={"small": 2})
    chloe.post(f"/mes-commandes/{cancelled.order_id}/annuler", {"confirmed": "1"},
               form_page="/mes-commandes")
    expired, _page = place(alice, cycle, HOUSEHOLD, baskets={"small": 1})
    go_to_checkout(alice, expired.order_id)
    stripe_emulator.expire_by_time(reload(expired).stripe_session_id)
    wait_for(lambda: received("checkout.session.expired"), "the expired event")
    settle()

    cycles.close_cycle(cycle.id)
    line = {p.id: next(iter(p.order.lines)) for p in (online, helped, at_pickup)}
    refunds.refund_shortages(cycle.id, [(line[online.id].id, 1800),  # the basket
                                        (line[helped.id].id, 2400),  # the solidarity basket
                                        (line[at_pickup.id].id, 1200)])  # at pickup
    settle()
    wait_for(lambda: received("charge.refunded", count=3), "three refund events")
    settle()
    delivered_today(cycle)  # payments at pickup are taken on the delivery day
    host = Browser(shop)
    host.login("hote@paniers.demo")
    took = host.post(f"/paiement/retrait/{at_pickup.order_id}", {"means": "cash"},
                     form_page="/relais/")
    assert "Paiement de 4,80\xa0€ enregistré (espèces)" in took.text, took.text[-1500:]

    db.session.expire_all()  # what the host's request committed
    report = reports.reconcile(cycle.id)
    assert report.balanced, [(r.order_id, r.problems) for r in report.rows] + report.problems
    rows = {row.order_id: row for row in report.rows}
    assert rows[online.order_id].paid_cents == 2400 - 1800
    assert rows[helped.order_id].paid_cents == 0 and rows[helped.order_id].solidarity_cents == 0
    assert rows[at_pickup.order_id].paid_cents == reload(at_pickup).order.total_cents - 1200
    assert rows[cancelled.order_id].paid_cents == 0 and rows[expired.order_id].charged_cents == 0
    assert all(row.outstanding_cents == 0 for row in report.rows)
    assert solidarity.fund_of(cycle.id).used_cents == 0  # its share came back with the refund
    # Stripe's own ledger: what it kept for our payments is what we say was paid online.
    at_stripe = 0
    for payment in db.session.scalars(select(Payment).where(
            Payment.cycle_id == cycle.id, Payment.stripe_payment_intent_id.is_not(None))):
        charge = charge_at_stripe(stripe_emulator, payment)
        at_stripe += charge.amount - charge.amount_refunded
    assert at_stripe == report.by_method("online", "paid_cents")
    assert report.total("paid_cents") == report.total("expected_cents")

    coordinator = Browser(shop)
    coordinator.login("coordination@paniers.demo")
    assert "Les comptes sont justes" in coordinator.get(
        f"/coordination/paiements?cycle={cycle.id}").text
    csv_text = coordinator.get(f"/coordination/paiements/{cycle.id}.csv").text
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][11] == "Payé" and rows[-1][0] == "Total"
    paid = report.total("paid_cents")
    assert rows[-1][11] == f"{paid // 100},{paid % 100:02d}"
    statements = coordinator.get(f"/coordination/paiements/{cycle.id}/fermes").text
    assert "Provisoire" in statements and "Ferme du Marais" in statements


def test_the_webhook_is_processed_by_a_real_worker(database_url, stripe_emulator):  # noqa: F811
    from celery.contrib.testing.worker import start_worker

    from tests.support.services import need_redis, redis_celery

    need_redis()
    queue = f"payments-{uuid.uuid4().hex[:8]}"
    shop = make_shop(database_url, stripe_emulator, CELERY=redis_celery(queue))
    app = next(shop)
    try:
        celery = app.extensions["celery"]
        with start_worker(celery, pool="solo", concurrency=1, queues=[queue],
                          perform_ping_check=False, shutdown_timeout=10):
            cycle = open_week()
            browser = household(app)
            payment, _page = place(browser, cycle, HOUSEHOLD, baskets={"small": 1})
            assert stripe_emulator.pay(go_to_checkout(browser, payment.order_id))[0] == 303
            # Nobody calls the services here: the web process hands the event to the worker.
            wait_for(lambda: reload(payment).order.status == OrderStatus.PLACED,
                     "the worker to confirm the order", timeout_s=30)
            browser.post(f"/mes-commandes/{payment.order_id}/annuler", {"confirmed": "1"},
                         form_page="/mes-commandes")
            wait_for(lambda: reload(payment).refunded_cents == 1200,
                     "the worker to refund the cancellation", timeout_s=30)
        assert reload(payment).status == PaymentStatus.PAID
    finally:
        shop.close()


def test_without_stripe_keys_everything_is_paid_at_pickup(app, browser):
    cycle = open_week()
    browser.login(HOUSEHOLD)
    page = browser.get("/catalogue").text
    assert "Par carte" not in page and "Paiement au retrait" in page
    data = order_form(browser, cycle, baskets={"small": 1}, payment="online")  # forced
    assert "enregistrée. Paiement au retrait" in browser.post("/catalogue", data).text
    payment = db.session.scalar(select(Payment))
    assert (payment.method, payment.status) == ("at_pickup", "due")
    reply = app.test_client().post("/paiement/stripe/webhook", data="{}")
    assert reply.status_code == 404


def test_a_host_cannot_record_a_payment_at_pickup_while_the_week_takes_orders(app, browser):
    cycle = open_week()
    browser.login(HOUSEHOLD)
    payment, _page = place(browser, cycle, HOUSEHOLD, baskets={"small": 1}, payment="at_pickup")
    host = Browser(app)
    host.login("hote@paniers.demo")
    refused = host.post(f"/paiement/retrait/{payment.order_id}", {"means": "cash"},
                        form_page="/relais/")
    assert ("Les commandes de la semaine sont encore ouvertes : "
            "les paniers se remettent après la livraison.") in refused.text
    payment = reload(payment)
    assert (payment.status, payment.charged_cents, payment.pickup_means) == ("due", 0, None)
