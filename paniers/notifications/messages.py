"""Composing a message: the facts it tells, its text and HTML bodies, its calendar part.

Bodies come from ``templates/notifications/<lang>/<kind>.txt`` and ``.html``; the
first line of the text template is the subject. French by default, English for
users who chose it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from paniers.accounts.models import User
from paniers.accounts.tokens import CONFIRM_MAX_AGE, RESET_MAX_AGE, confirmation_path, reset_path
from paniers.allocation.outcome import what_households_see
from paniers.cycles.models import BasketFormat, OrderCycle
from paniers.cycles.states import PARIS
from paniers.extensions import db
from paniers.news.services import sheet_of
from paniers.notifications.ical import Slot, pickup_event
from paniers.notifications.models import Kind, OutboundMessage
from paniers.orders.catalogue import catalogue
from paniers.orders.models import Order
from paniers.points.models import PickupEvening, PickupPoint
from paniers.subscriptions.models import Subscription, SubscriptionRun
from paniers.types import utcnow

LANGUAGES = ("fr", "en")


def language_of(user: User) -> str:
    return user.locale if user.locale in LANGUAGES else "fr"


def pickup_slot(order: Order) -> Slot | None:
    """The pickup window of an order's point on its delivery day, as a calendar slot."""
    point: PickupPoint = order.point
    if point.pickup_start_min is None or point.pickup_end_min is None:
        return None
    day = order.cycle.delivery_date
    start = datetime.combine(day, time(), PARIS) + timedelta(minutes=point.pickup_start_min)
    end = datetime.combine(day, time(), PARIS) + timedelta(minutes=point.pickup_end_min)
    return Slot(uid=f"order-{order.id}@paniers", start_dt=start, end_dt=end,
                summary=f"Paniers — {point.name}", location=address(point),
                description=f"n° {order.id}")


def address(point: PickupPoint) -> str:
    return ", ".join(part for part in (point.name, point.notes, point.town) if part)


def _order_facts(order: Order) -> dict[str, Any]:
    contents, shortages = what_households_see([order])
    return {"order": order, "point": order.point, "cycle": order.cycle,
            "address": address(order.point), "contents": contents, "shortages": shortages,
            "slot": pickup_slot(order)}


def _cycle_facts(message: OutboundMessage) -> dict[str, Any]:
    cycle = db.session.get(OrderCycle, message.cycle_id)
    formats = db.session.scalars(select(BasketFormat).where(
        BasketFormat.cycle_id == cycle.id, BasketFormat.quota > 0)
        .order_by(BasketFormat.price_cents)).all()
    run = db.session.scalar(
        select(SubscriptionRun).join(Subscription)
        .where(SubscriptionRun.cycle_id == cycle.id, Subscription.user_id == message.user_id)
        .order_by(SubscriptionRun.id.desc()))
    facts: dict[str, Any] = {"cycle": cycle, "formats": formats, "run": run, "slot": None,
                             "products": catalogue(cycle).likely_contents()}
    if run is not None and run.order is not None:
        facts |= _order_facts(run.order)
    return facts


def facts(message: OutboundMessage) -> dict[str, Any]:
    """What a message tells, read from the database when it is sent."""
    if message.kind == Kind.ACCOUNT_EXISTS:
        return {}  # the account itself: the user, given by ``compose``
    if message.kind == Kind.CONFIRM_EMAIL:  # signed now: valid for 48 h from the sending
        user = db.session.get(User, message.user_id)
        return {"confirm_path": confirmation_path(user),
                "confirm_hours": int(CONFIRM_MAX_AGE.total_seconds() // 3600)}
    if message.kind == Kind.PASSWORD_RESET:  # signed now: valid for an hour from the sending
        user = db.session.get(User, message.user_id)
        return {"reset_path": reset_path(user),
                "reset_minutes": int(RESET_MAX_AGE.total_seconds() // 60)}
    if message.kind in (Kind.CYCLE_OPEN, Kind.SUBSCRIPTION_SKIPPED):
        return _cycle_facts(message)
    order = db.session.get(Order, message.order_id)
    found = _order_facts(order)
    if message.kind == Kind.MISSED_PICKUP:
        found["evening"] = db.session.scalar(select(PickupEvening).where(
            PickupEvening.point_id == order.point_id, PickupEvening.cycle_id == order.cycle_id))
    if message.kind == Kind.REFUND:
        found["amount_cents"] = message.amount_cents or 0
    if message.kind == Kind.PICKUP_REMINDER:  # the week's news sheet goes with it
        found["news"] = sheet_of(order.cycle_id)
    return found


def render(kind: str, lang: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, text body and HTML body of a message, in ``lang``."""
    env = current_app.jinja_env
    context = {"lang": lang, "public_url": current_app.config["PUBLIC_URL"].rstrip("/"),
               **context}
    with force_locale(lang):
        text = env.get_template(f"notifications/{lang}/{kind}.txt").render(context)
        html = env.get_template(f"notifications/{lang}/{kind}.html").render(context)
    subject, _, body = text.lstrip().partition("\n")
    return subject.strip(), body.strip() + "\n", html


def compose(message: OutboundMessage, user: User) -> EmailMessage:
    """The whole message: multipart/alternative text and HTML, with the pickup slot as .ics."""
    lang = language_of(user)
    context = facts(message)
    context["user"] = user
    subject, text, html = render(message.kind, lang, context)
    email = EmailMessage()
    email["Subject"] = subject
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = user.email
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(idstring=message.key.replace(":", "."), domain="paniers")
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    slot = context.get("slot")
    if slot is not None and message.kind != Kind.MISSED_PICKUP:
        email.add_attachment(pickup_event(slot, utcnow()), subtype="calendar",
                             filename="retrait.ics" if lang == "fr" else "pickup.ics",
                             params={"method": "PUBLISH"})
    email["Content-Language"] = lang  # after the parts: setting content clears Content-*
    return email
