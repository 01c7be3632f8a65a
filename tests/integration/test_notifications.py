"""Mail for real: tasks through Redis to a worker, SMTP to a local server, read back."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from paniers.allocation.models import Shortage
from paniers.cycles.states import PARIS
from paniers.extensions import db
from paniers.notifications import sending
from paniers.notifications import services as notifications
from paniers.notifications.models import Kind, MessageStatus, OutboundMessage
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderSource
from paniers.subscriptions import services as subscriptions
from paniers.types import utcnow
from tests.integration.test_household import order_form
from tests.integration.week import basket, open_week, product, user
from tests.support.smtp import mailing_app
from tests.support.workers import wait_until

HOUSEHOLD = "foyer@paniers.demo"


@pytest.fixture()
def app(database_url, tmp_path):
    with mailing_app(database_url, tmp_path) as (application, inbox):
        application.inbox = inbox
        yield application


def place(cycle, email=HOUSEHOLD, baskets=None, eggs=1):
    household = user(email)
    formats = {f.code: f.id for f in cycle.formats}
    cart = orders.Cart({formats[code]: n for code, n in (baskets or {}).items()},
                       {product("Œufs").id: eggs} if eggs else {})
    return orders.place_order(household, cycle.id, household.point_id, cart)


def sent(kind, email=HOUSEHOLD):
    db.session.expire_all()
    return db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == kind, OutboundMessage.user_id == user(email).id)).all()


def calendar_times(ics):
    return re.search(r"DTSTART:(\w+)", ics).group(1), re.search(r"DTEND:(\w+)", ics).group(1)


def test_an_order_placed_on_the_catalogue_is_confirmed_in_french_with_the_pickup_slot(
        app, browser):
    cycle = open_week()
    browser.login(HOUSEHOLD)
    page = browser.post("/catalogue", order_form(browser, cycle, baskets={"medium": 1}))
    assert "enregistrée" in page.text
    mail = app.inbox.wait_for(HOUSEHOLD, "Commande n°")[-1]
    order = db.session.scalar(select(Order).where(Order.cycle_id == cycle.id))
    assert mail.recipients == [HOUSEHOLD]
    assert mail.subject.startswith(f"Commande n° {order.id} enregistrée")
    assert mail.message["Content-Language"] == "fr"
    assert "Panier moyen" in mail.text and "18,00" in mail.text
    assert "Maison des associations" in mail.text and "16:30–19:00" in mail.text
    assert "<strong>Maison des associations" in mail.html
    assert mail.message.get_content_type() == "multipart/mixed"
    assert any(p.get_content_type() == "multipart/alternative" for p in mail.message.walk())
    ics = mail.part("text/calendar")
    start = datetime.combine(cycle.delivery_date, datetime.min.time(), PARIS).replace(
        hour=16, minute=30).astimezone(UTC)
    assert calendar_times(ics) == (start.strftime("%Y%m%dT%H%M%SZ"),
                                   (start + timedelta(hours=2, minutes=30))
                                   .strftime("%Y%m%dT%H%M%SZ"))
    assert "BEGIN:VEVENT" in ics and "LOCATION:Maison des associations\\, Loos-en-Gohelle" in ics


def test_a_household_that_chose_english_gets_english(app):
    cycle = open_week()
    household = user(HOUSEHOLD)
    household.locale = "en"
    db.session.commit()
    order = place(cycle, baskets={"small": 1})
    notifications.notify_order_confirmed(order.id)
    mail = app.inbox.wait_for(HOUSEHOLD, "Order no.")[-1]
    assert mail.subject.startswith(f"Order no. {order.id} confirmed")
    assert mail.message["Content-Language"] == "en"
    assert "Small basket" in mail.text and "€12.00" in mail.text
    assert "Your order no." in mail.html


def test_a_message_is_sent_once_however_often_it_is_asked_or_retried(app):
    cycle = open_week()
    order = place(cycle)
    first = notifications.notify_order_confirmed(order.id)
    app.inbox.wait_for(HOUSEHOLD, "Commande n°")
    # The mail reaches the server a moment before the worker records it sent: asked
    # again in between, the message is rightly still pending.
    wait_until(lambda: [m.status for m in sent(Kind.ORDER_CONFIRMATION)] == [MessageStatus.SENT],
               20, "the confirmation recorded as sent")
    again = notifications.notify_order_confirmed(order.id)
    retried = app.extensions["celery"].send_task(notifications.SEND_TASK, args=first)
    assert retried.get(timeout=20) == "done"
    assert again == []  # already sent: nothing queued
    assert len(app.inbox.to(HOUSEHOLD, "Commande n°")) == 1
    assert [m.status for m in sent(Kind.ORDER_CONFIRMATION)] == [MessageStatus.SENT]


def test_a_household_receives_only_the_messages_it_chose(app):
    notifications.set_preferences(user(HOUSEHOLD), {Kind.PICKUP_REMINDER.value})
    cycle = open_week()
    order = place(cycle)
    assert notifications.notify_order_confirmed(order.id) == []
    notifications.remind_today(cycle.delivery_date)
    app.inbox.wait_for(HOUSEHOLD, "Rappel")
    assert [m.subject[:6] for m in app.inbox.to(HOUSEHOLD)] == ["Rappel"]


def test_the_reminder_tells_address_window_and_what_the_basket_holds(app):
    cycle = open_week()
    order = place(cycle, baskets={"large": 1}, eggs=2)
    notifications.remind_today(cycle.delivery_date - timedelta(days=1))  # not today: nothing
    notifications.remind_today(cycle.delivery_date)
    mail = app.inbox.wait_for(HOUSEHOLD, "Rappel")[-1]
    assert "à retirer le " in mail.text and "16:30–19:00" in mail.text
    assert "Maison des associations, Loos-en-Gohelle" in mail.text
    assert "Grand panier" in mail.text and "2 douzaines Œufs" in mail.text
    euros, cents = divmod(order.total_cents, 100)
    assert f"À payer au retrait : {euros},{cents:02d}" in mail.text
    assert "text/calendar" in {p.get_content_type() for p in mail.message.walk()}


def test_shortage_and_refund_notices_for_the_allocation_and_the_payments(app):
    cycle = open_week()
    order = place(cycle, eggs=3)
    line = order.lines[0]
    db.session.add(Shortage(cycle_id=cycle.id, order_line_id=line.id, ordered=3, served=1,
                            refund_cents=960, reason="supply"))
    cycle.published_dt = utcnow()  # the coordinator published the allocation
    db.session.commit()
    notifications.notify_shortage(order.id)
    shortage = app.inbox.wait_for(HOUSEHOLD, "Il manque")[-1]
    assert shortage.subject == f"Il manque des produits dans votre commande n° {order.id}"
    assert "2 douzaines Œufs : 9,60 € remboursés" in shortage.text.replace("\xa0", " ")
    notifications.notify_refund(order.id, 960, reference="re_1")
    refund = app.inbox.wait_for(HOUSEHOLD, "Remboursement")[-1]
    assert refund.subject.replace("\xa0", " ") == (
        f"Remboursement de 9,60 € — commande n° {order.id}")


def test_opening_a_cycle_turns_subscriptions_into_orders_and_tells_households(app):
    household = user(HOUSEHOLD)
    subscriptions.subscribe(household, subscriptions.Plan(household.point_id, "medium"))
    cycle = open_week()  # the opening queues the subscriptions task for the worker
    mail = app.inbox.wait_for(HOUSEHOLD, "Les commandes sont ouvertes")[-1]
    order = db.session.scalar(select(Order).where(Order.cycle_id == cycle.id))
    assert order.source == OrderSource.SUBSCRIPTION
    assert mail.subject.startswith("Les commandes sont ouvertes")
    assert f"Votre abonnement a préparé la commande n° {order.id}" in mail.text
    assert "text/calendar" in {p.get_content_type() for p in mail.message.walk()}
    assert basket(cycle.id, "medium").sold == 1


def test_without_a_mail_server_messages_go_to_the_outbox_folder(app, tmp_path):
    app.config["MAIL_SERVER"] = ""
    cycle = open_week()
    order = place(cycle)
    (message_id,) = notifications.notify_order_confirmed(order.id)
    sending.send_message(message_id)  # the worker may have raced us: either way, once
    db.session.expire_all()
    files = list((tmp_path / "outbox").glob("order_confirmation-*.eml"))
    assert [f.name for f in files] == [f"order_confirmation-order-{order.id}-user-"
                                       f"{user(HOUSEHOLD).id}.eml"]
    assert b"Content-Type: text/calendar" in files[0].read_bytes()
    assert app.inbox.to(HOUSEHOLD, "Commande n°") == []


def test_a_publication_tells_each_short_order_once_unless_its_household_said_no(app):
    from paniers.notifications.models import NotificationPreference
    from tests.support.accounts import register_confirmed

    cycle = open_week()
    register_confirmed("sans-avis@paniers.demo", "Sans Avis", "motdepasse-long")
    quiet = user("sans-avis@paniers.demo")
    db.session.add(NotificationPreference(user_id=quiet.id, kind=Kind.SHORTAGE, enabled=False))
    db.session.commit()
    mine = place(cycle)
    theirs = orders.place_order(quiet, cycle.id, user(HOUSEHOLD).point_id,
                                orders.Cart({}, {product("Œufs").id: 1}))
    queued = notifications.notify_shortages([mine.id, theirs.id])
    assert len(queued) == 1
    notifications.notify_shortages([mine.id, theirs.id])  # published twice
    assert len(sent(Kind.SHORTAGE)) == 1
    assert sent(Kind.SHORTAGE, "sans-avis@paniers.demo") == []
