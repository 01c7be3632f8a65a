"""Subscriptions: pauses, one order per cycle however often it opens, changes from the next."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from paniers.accounts.models import User
from paniers.cycles import services as cycles
from paniers.extensions import db
from paniers.notifications.models import Kind, OutboundMessage
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderSource, OrderStatus
from paniers.subscriptions import services as subscriptions
from paniers.subscriptions.models import Frequency, RunOutcome, Subscription, SubscriptionRun
from tests.integration.week import (
    DELIVERY,
    MORE_VEGETABLES,
    basket,
    open_week,
    product,
    stock,
    user,
)
from tests.support.accounts import register_confirmed

HOUSEHOLD = "foyer@paniers.demo"
pytestmark = pytest.mark.usefixtures("app")


def subscribe(email=HOUSEHOLD, fmt="medium", **plan):
    household = user(email)
    return subscriptions.subscribe(household,
                                   subscriptions.Plan(household.point_id, fmt, **plan))


def subscription_orders(cycle_id):
    db.session.expire_all()
    return db.session.scalars(select(Order).where(
        Order.cycle_id == cycle_id, Order.source == OrderSource.SUBSCRIPTION)
        .order_by(Order.id)).all()


def formats_of(order):
    return [(line.basket_format.code if line.basket_format else line.product.name, line.quantity)
            for line in order.lines]


def test_a_paused_week_gives_no_order_and_the_next_one_does():
    sub = subscribe()
    subscriptions.set_pauses(user(HOUSEHOLD), sub.id, [DELIVERY])
    cycle = open_week()
    subscriptions.place_subscription_orders(cycle.id)
    assert subscription_orders(cycle.id) == []
    assert db.session.scalar(select(SubscriptionRun.outcome)) == RunOutcome.PAUSED
    assert basket(cycle.id, "medium").sold == 0

    cycles.close_cycle(cycle.id)
    following = open_week(delivery=DELIVERY + timedelta(days=7))
    subscriptions.place_subscription_orders(following.id)
    assert [formats_of(o) for o in subscription_orders(following.id)] == [[("medium", 1)]]


def test_opening_a_cycle_twice_gives_one_order_per_subscription():
    register_confirmed("lens@example.org", "Famille Lens", "motdepasse-long")
    user("lens@example.org").point_id = user(HOUSEHOLD).point_id
    subscribe()
    subscribe("lens@example.org", "small")
    cycle = open_week()
    subscriptions.place_subscription_orders(cycle.id)
    subscriptions.place_subscription_orders(cycle.id)
    assert len(subscription_orders(cycle.id)) == 2
    assert basket(cycle.id, "medium").sold == 1 and basket(cycle.id, "small").sold == 1


def test_two_openings_at_once_still_give_one_order_per_subscription(app):
    subscribe()
    cycle = open_week()
    barrier = threading.Barrier(2)
    errors = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                subscriptions.place_subscription_orders(cycle.id)
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(subscription_orders(cycle.id)) == 1
    assert basket(cycle.id, "medium").sold == 1


def test_a_format_change_applies_from_the_next_cycle():
    sub = subscribe(fmt="small")
    cycle = open_week()
    subscriptions.place_subscription_orders(cycle.id)
    subscriptions.change_subscription(user(HOUSEHOLD), sub.id, subscriptions.Plan(
        user(HOUSEHOLD).point_id, "large"))
    assert [formats_of(o) for o in subscription_orders(cycle.id)] == [[("small", 1)]]

    cycles.close_cycle(cycle.id)
    following = open_week(delivery=DELIVERY + timedelta(days=7))
    subscriptions.place_subscription_orders(following.id)
    assert [formats_of(o) for o in subscription_orders(following.id)] == [[("large", 1)]]


def test_extras_come_with_the_basket_and_a_subscription_order_cancels_like_any_other():
    subscribe(extras={product("Œufs").id: 1})
    cycle = open_week()
    subscriptions.place_subscription_orders(cycle.id)
    (order,) = subscription_orders(cycle.id)
    assert formats_of(order) == [("medium", 1), ("Œufs", 1)]
    assert stock(cycle.id, "Œufs").sold == 1
    orders.cancel_order(user(HOUSEHOLD), order.id)
    assert db.session.get(Order, order.id).status == OrderStatus.CANCELLED
    assert stock(cycle.id, "Œufs").sold == 0 and basket(cycle.id, "medium").sold == 0


def test_short_quota_skips_the_subscription_with_a_notice():
    register_confirmed("lens@example.org", "Famille Lens", "motdepasse-long")
    user("lens@example.org").point_id = user(HOUSEHOLD).point_id
    subscribe()
    subscribe("lens@example.org")
    cycle = open_week(quotas=(10, 1, 5))
    report = subscriptions.place_subscription_orders(cycle.id)
    assert len(report.ordered) == 1 and len(report.skipped) == 1
    skipped = db.session.scalar(select(SubscriptionRun).where(
        SubscriptionRun.outcome == RunOutcome.SHORT))
    assert "Plus aucun panier de ce format" in skipped.note
    notice = db.session.scalar(select(OutboundMessage).where(
        OutboundMessage.kind == Kind.SUBSCRIPTION_SKIPPED))
    assert notice.user_id == skipped.subscription.user_id


def test_extras_out_of_stock_leave_the_basket_alone():
    subscribe(extras={product("Œufs").id: 2})
    cycle = open_week(supply={"Pomme de terre": 50_000, "Œufs": 1, **MORE_VEGETABLES})
    subscriptions.place_subscription_orders(cycle.id)
    (order,) = subscription_orders(cycle.id)
    assert formats_of(order) == [("medium", 1)]
    assert "Œufs" in db.session.scalar(select(SubscriptionRun.note))


def test_fortnightly_baskets_come_every_other_week():
    sub = subscribe(frequency=Frequency.FORTNIGHTLY)
    monday = subscriptions.week_of(date.today())
    assert sub.anchor_week == monday
    due = [subscriptions.outcome_for(sub, monday + timedelta(weeks=n, days=4))
           for n in range(4)]
    assert due == [RunOutcome.ORDERED, RunOutcome.OFF_WEEK] * 2


def test_a_household_subscribes_pauses_and_stops_on_its_page(browser):
    browser.login(HOUSEHOLD)
    page = browser.get("/abonnement/")
    assert "M'abonner" in page.text
    point = user(HOUSEHOLD).point_id
    page = browser.post("/abonnement/", {"format_code": "large", "frequency": "weekly",
                                         "point": point})
    assert "Abonnement enregistré" in page.text
    sub = db.session.scalar(select(Subscription))
    assert (sub.format_code, sub.point_id, sub.active) == ("large", point, True)

    week = subscriptions.week_of(DELIVERY).isoformat()
    page = browser.post("/abonnement/pauses", {"weeks": [week]}, form_page="/abonnement/")
    assert "Semaines de pause enregistrées" in page.text
    db.session.expire_all()
    assert [p.week.isoformat() for p in sub.pauses] == [week]

    page = browser.post("/abonnement/", {"format_code": "huge", "frequency": "weekly",
                                         "point": point})
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).format_code == "large"

    page = browser.post("/abonnement/arret", form_page="/abonnement/")
    assert "Abonnement arrêté" in page.text
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).active is False
    cycle = open_week()
    subscriptions.place_subscription_orders(cycle.id)
    assert subscription_orders(cycle.id) == []


def test_only_households_subscribe(browser):
    browser.login("hote@paniers.demo")
    assert browser.get("/abonnement/").status_code == 403


def test_deleting_an_account_removes_the_person_and_keeps_the_orders_anonymous(browser):
    sub = subscribe()
    cycle = open_week()
    subscriptions.place_subscription_orders(cycle.id)
    (order,) = subscription_orders(cycle.id)
    household_id = user(HOUSEHOLD).id
    browser.login(HOUSEHOLD)
    page = browser.post("/compte/", {"name": "Famille Lefebvre-Durand", "phone": "06 12 34 56 78",
                                     "locale": "fr", "point": user(HOUSEHOLD).point_id})
    assert "Profil enregistré" in page.text and "Famille Lefebvre-Durand" in page.text
    wrong = browser.post("/compte/suppression", {"password": "pas-le-bon"}, form_page="/compte/")
    assert "Mot de passe incorrect" in wrong.text

    page = browser.post("/compte/suppression", {"password": "paniers-demo"},
                        form_page="/compte/")
    assert "Votre compte est supprimé" in page.text
    db.session.expire_all()
    gone = db.session.get(User, household_id)
    assert (gone.name, gone.phone) == ("Compte supprimé", None)
    assert "foyer" not in gone.email
    assert db.session.get(Subscription, sub.id).active is False
    kept = db.session.get(Order, order.id)
    assert kept.user_id == household_id and kept.status == OrderStatus.CANCELLED
    assert "Adresse ou mot de passe incorrect" in browser.post(
        "/connexion", {"email": HOUSEHOLD, "password": "paniers-demo"}).text


def test_extras_typed_in_sale_units_are_kept_in_base_amounts_and_shown_back(browser):
    browser.login(HOUSEHOLD)
    plan = {"format_code": "medium", "frequency": "weekly", "point": user(HOUSEHOLD).point_id,
            "extras-0-product_id": product("Œufs").id, "extras-0-quantity": "1,5"}
    page = browser.post("/abonnement/", plan)
    assert "Nombre entier attendu : ce produit se vend à la douzaine." in page.text
    assert db.session.scalar(select(Subscription)) is None

    plan |= {"extras-0-product_id": product("Pomme de terre").id}
    assert "Abonnement enregistré" in browser.post("/abonnement/", plan).text
    sub = db.session.scalar(select(Subscription))
    assert [(e.product.name, e.quantity) for e in sub.extras] == [("Pomme de terre", 1500)]
    assert 'value="1,5"' in browser.get("/abonnement/").html


def test_a_large_opening_is_shared_between_workers_and_told_once_all_are_placed(monkeypatch):
    from paniers.subscriptions import tasks

    emails = [HOUSEHOLD, "abo-a@paniers.demo", "abo-b@paniers.demo"]
    for email in emails[1:]:
        register_confirmed(email, "Abonné", "motdepasse-long")
    point_id = user(HOUSEHOLD).point_id  # all at the demo household's point
    subs = [subscriptions.subscribe(user(email), subscriptions.Plan(point_id, "small"))
            for email in emails]
    monkeypatch.setattr(tasks, "SHARE", 1)
    queued = []
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: queued.append((name, args)))
    cycle = open_week()

    def told():
        db.session.expire_all()
        return db.session.scalars(select(OutboundMessage.user_id).where(
            OutboundMessage.kind == Kind.CYCLE_OPEN)).all()

    tasks.open_cycle_for_subscribers(cycle.id)
    assert len(subscription_orders(cycle.id)) == 1  # its own share
    assert [args for _name, args in queued] == [(cycle.id, [subs[1].id]),
                                                (cycle.id, [subs[2].id])]
    assert told() == []  # not before every subscription has its order
    assert {name for name, _args in queued} == {tasks.PLACE_SHARE}
    # The other workers, in any order:
    tasks.place_subscriptions(*queued[1][1])
    assert told() == []
    tasks.place_subscriptions(*queued[0][1])
    tasks.place_subscriptions(*queued[0][1])  # delivered twice: nothing more
    assert len(subscription_orders(cycle.id)) == 3
    households = told()
    assert {user(email).id for email in emails} <= set(households)
    assert len(households) == len(set(households))  # each told once
