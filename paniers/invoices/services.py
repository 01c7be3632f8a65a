"""Issuing invoices and credit notes, and who may read which.

An invoice is issued once per subject (a household's order, a canteen's month) and
frozen: its content is written at issue from the published allocation (what was
served, from which farm, at the price paid), and nothing reads the orders again to draw
it. A correction is a credit note in the same numbering.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from canteens.models import Canteen
from paniers.accounts.models import Role, User
from paniers.allocation.models import AllocationLine, Shortage
from paniers.cycles.models import OrderCycle, format_label
from paniers.cycles.states import PARIS, CycleStatus
from paniers.errors import Forbidden, NotFound, ServiceError
from paniers.extensions import db
from paniers.formatting import money
from paniers.invoices import numbering
from paniers.invoices.content import BASKET, InvoiceLine, document, merge_lines, split_address
from paniers.invoices.models import BuyerKind, Invoice, InvoiceKind
from paniers.journal import services as journal
from paniers.orders.models import Order, OrderStatus
from paniers.payments.models import Payment, PaymentStatus, RefundStatus
from paniers.transaction import transaction
from paniers.types import utcnow
from producers.models import Farm, SupplyOffer
from producers.units import value_cents

PUBLISHED = (CycleStatus.ALLOCATED, CycleStatus.ROUTED, CycleStatus.DELIVERED,
             CycleStatus.SETTLED)
INVOICED_STATUSES = (OrderStatus.PLACED, OrderStatus.COLLECTED, OrderStatus.UNCLAIMED)
MEANS = {"cash": "Espèces", "cheque": "Chèque", "menadel": "Ménadel"}


def _today() -> date:
    return utcnow().astimezone(PARIS).date()


def _published(cycle: OrderCycle) -> bool:
    return cycle.status in PUBLISHED and cycle.published_dt is not None


# What was served: one line per farm for produce, one per basket format -----------------

def _farms_by_line(order_line_ids: list[int]) -> dict[int, dict[str, int]]:
    served: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line_id, farm, quantity in db.session.execute(
            select(AllocationLine.order_line_id, Farm.name, AllocationLine.quantity)
            .join(SupplyOffer, AllocationLine.offer_id == SupplyOffer.id).join(Farm)
            .where(AllocationLine.order_line_id.in_(order_line_ids))):
        served[line_id or 0][farm] += quantity
    return served


def _basket_farms(cycle_ids: set[int]) -> dict[int, str]:
    farms: dict[int, set[str]] = defaultdict(set)
    for format_id, farm in db.session.execute(
            select(AllocationLine.basket_format_id, Farm.name)
            .join(SupplyOffer, AllocationLine.offer_id == SupplyOffer.id).join(Farm)
            .where(AllocationLine.cycle_id.in_(cycle_ids),
                   AllocationLine.basket_format_id.is_not(None))):
        farms[format_id or 0].add(farm)
    return {format_id: ", ".join(sorted(names)) for format_id, names in farms.items()}


def served_lines(orders: list[Order]) -> list[InvoiceLine]:
    """The produce each farm supplied to these orders and the baskets handed over, at the
    prices the orders were placed at; what was short (and refunded) is left out."""
    line_ids = [line.id for order in orders for line in order.lines]
    by_farm = _farms_by_line(line_ids)
    shorts = {s.order_line_id: s for s in db.session.scalars(
        select(Shortage).where(Shortage.order_line_id.in_(line_ids)))}
    basket_farms = _basket_farms({order.cycle_id for order in orders})
    lines: list[InvoiceLine] = []
    for order in orders:
        for line in order.lines:
            if line.basket_format is not None:
                short = shorts.get(line.id)
                count = line.quantity - (short.ordered - short.served if short else 0)
                with force_locale("fr"):
                    name = str(format_label(line.basket_format.code))
                lines.append(InvoiceLine(
                    basket_farms.get(line.basket_format_id or 0, "") or "Fermes du réseau", name,
                    BASKET, count, line.unit_price_cents, count * line.unit_price_cents))
                continue
            unit = line.product.unit
            for farm, quantity in sorted(by_farm[line.id].items()):
                lines.append(InvoiceLine(farm, line.product.name, unit, quantity,
                                         line.unit_price_cents,
                                         value_cents(quantity, line.unit_price_cents, unit)))
    return merge_lines(lines)


def _payments(orders: list[Order]) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    for order in orders:
        payment: Payment | None = order.payment
        if payment is None:
            continue
        if payment.paid_cents > 0:
            label = ("Carte bancaire" if payment.method == "online"
                     else MEANS.get(payment.pickup_means or "", "Paiement au retrait"))
            when = (payment.paid_dt or payment.created_dt).astimezone(PARIS).date()
            received.append({"date": when.isoformat(), "label": label,
                             "amount_cents": payment.paid_cents, "order": order.id})
        fund = payment.solidarity_cents - sum(
            r.solidarity_cents for r in payment.refunds if r.status == RefundStatus.SUCCEEDED)
        if fund > 0 and payment.status in (PaymentStatus.PAID, PaymentStatus.DUE):
            received.append({"date": order.placed_dt.astimezone(PARIS).date().isoformat(),
                             "label": "Fonds solidaire (part prise en charge)",
                             "amount_cents": fund, "order": order.id})
    return received


def _order_refs(orders: list[Order]) -> list[dict[str, Any]]:
    return [{"id": o.id, "delivery_date": o.cycle.delivery_date.isoformat()} for o in orders]


# Issuing ---------------------------------------------------------------------------------

def _issue(invoice: Invoice, content_of: Any) -> Invoice:
    """Number the invoice (inside the caller's transaction), then freeze its content."""
    issued = _today()
    invoice.year = issued.year
    invoice.sequence, invoice.number = numbering.next_number(issued.year)
    invoice.content = content_of(invoice.number, issued)
    invoice.total_cents = invoice.content["total_cents"]
    invoice.issued_by_id = _actor_id()
    db.session.add(invoice)
    db.session.flush()
    journal.record("invoice.issued" if invoice.kind == InvoiceKind.INVOICE
                   else "invoice.credited", subject=invoice.number,
                   amount_cents=invoice.total_cents, buyer=invoice.content["buyer"]["name"])
    return invoice


def _actor_id() -> int | None:
    if has_request_context() and current_user.is_authenticated:
        return int(current_user.id)
    return None


def household_invoice(user: User, order_id: int) -> Invoice:
    """The invoice of a household's own order: issued at the first request, then the same
    one at every request after."""
    with transaction():
        order = db.session.get(Order, order_id)
        if order is None or order.user_id != user.id or order.canteen_id is not None:
            raise NotFound(_("Cette commande n'existe pas."))
        numbering.lock(_today().year)  # a second click waits, then finds the first's invoice
        existing = db.session.scalar(select(Invoice).where(Invoice.subject == f"order:{order.id}"))
        if existing is not None:
            return existing
        if order.status not in INVOICED_STATUSES:
            raise ServiceError(_("Une commande annulée ou non payée n'a pas de facture."))
        if not _published(order.cycle):
            raise ServiceError(_("La facture sera disponible une fois la répartition de la "
                                 "semaine publiée : elle ne compte que ce qui est servi."))
        config = current_app.config
        buyer = {"kind": BuyerKind.HOUSEHOLD, "name": user.name, "email": user.email,
                 "street": "", "postcode": "", "city": "", "country": "FR", "siret": ""}

        def content(number: str, issued: date) -> dict[str, Any]:
            return document(kind=InvoiceKind.INVOICE, number=number, issued=issued,
                            config=config, buyer=buyer, lines=served_lines([order]),
                            payments=_payments([order]), orders=_order_refs([order]))

        return _issue(Invoice(kind=InvoiceKind.INVOICE, buyer_kind=BuyerKind.HOUSEHOLD,
                              user_id=user.id, order_id=order.id,
                              subject=f"order:{order.id}"), content)


@dataclass
class MonthOutcome:
    issued: list[Invoice] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # canteens invoiced before
    no_siret: list[str] = field(default_factory=list)  # canteens that need their SIRET


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _month_orders(first: date, last: date) -> dict[int, list[Order]]:
    orders = db.session.scalars(
        select(Order).join(OrderCycle, Order.cycle_id == OrderCycle.id)
        .where(Order.canteen_id.is_not(None), Order.status.in_(INVOICED_STATUSES),
               OrderCycle.delivery_date.between(first, last))
        .order_by(OrderCycle.delivery_date, Order.id)).all()
    by_canteen: dict[int, list[Order]] = defaultdict(list)
    for order in orders:
        by_canteen[order.canteen_id or 0].append(order)
    return by_canteen


def canteen_month_invoices(year: int, month: int) -> MonthOutcome:
    """Invoice every canteen for its deliveries of the month (those not invoiced yet)."""
    first, last = month_bounds(year, month)
    if first > _today():
        raise ServiceError(_("Ce mois n'a pas commencé : rien à facturer."))
    outcome = MonthOutcome()
    config = current_app.config
    with transaction():
        numbering.lock(_today().year)  # two coordinators at once: the second sees the first's
        by_canteen = _month_orders(first, last)
        waiting = sorted({o.cycle.delivery_date for orders in by_canteen.values()
                          for o in orders if not _published(o.cycle)})
        if waiting:
            raise ServiceError(_("La livraison du %(date)s n'est pas encore répartie et "
                                 "publiée : les factures du mois l'attendent.",
                                 date=waiting[0].strftime("%d/%m/%Y")))
        if not by_canteen:
            raise ServiceError(_("Aucune livraison aux cantines ce mois-là."))
        for canteen in db.session.scalars(select(Canteen).where(
                Canteen.id.in_(by_canteen)).order_by(Canteen.name)):
            subject = f"canteen:{canteen.id}:{first:%Y-%m}"
            if db.session.scalar(select(Invoice.id).where(Invoice.subject == subject)):
                outcome.already.append(canteen.name)
                continue
            if not canteen.siret:
                outcome.no_siret.append(canteen.name)
                continue
            orders = by_canteen[canteen.id]
            buyer = {"kind": BuyerKind.CANTEEN, "name": canteen.name, "siret": canteen.siret,
                     "country": "FR", "email": "",
                     **split_address(canteen.billing_address
                                     or f"{canteen.point.name}, {canteen.point.town}")}

            def content(number: str, issued: date, orders: list[Order] = orders,
                        buyer: dict[str, Any] = buyer) -> dict[str, Any]:
                return document(kind=InvoiceKind.INVOICE, number=number, issued=issued,
                                config=config, buyer=buyer, lines=served_lines(orders),
                                payments=_payments(orders), period=(first, last),
                                orders=_order_refs(orders))

            outcome.issued.append(_issue(Invoice(
                kind=InvoiceKind.INVOICE, buyer_kind=BuyerKind.CANTEEN, canteen_id=canteen.id,
                period_start=first, period_end=last, subject=subject), content))
    return outcome


def credited_cents(invoice: Invoice) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(Invoice.total_cents), 0))
                                 .where(Invoice.credited_invoice_id == invoice.id)) or 0)


def credit_note(invoice_id: int, reason: str, amount_cents: int | None) -> Invoice:
    """A credit note against an issued invoice: the whole of what is left of it (the
    subject may then be invoiced again) or a part (a product returned, a price error)."""
    reason = reason.strip()
    with transaction():
        invoice = db.session.get(Invoice, invoice_id)
        if invoice is None or invoice.kind != InvoiceKind.INVOICE:
            raise NotFound(_("Cette facture n'existe pas."))
        left = invoice.total_cents - credited_cents(invoice)
        amount = left if amount_cents is None else amount_cents
        if left <= 0:
            raise ServiceError(_("Cette facture est déjà entièrement annulée par avoir."))
        if not 0 < amount <= left:
            raise ServiceError(_("Le montant de l'avoir doit être entre 0,01 € et ce qui "
                                 "reste de la facture (%(left)s).",
                                 left=money(left)))
        if amount == left:
            invoice.subject = None  # cancelled in full: its subject may be invoiced again
        original = invoice.content
        config = current_app.config
        line = InvoiceLine("", f"Avoir sur la facture {invoice.number} : {reason}", "piece",
                           1, amount, amount)

        def content(number: str, issued: date) -> dict[str, Any]:
            return document(kind=InvoiceKind.CREDIT_NOTE, number=number, issued=issued,
                            config=config, buyer=original["buyer"], lines=[line], payments=[],
                            orders=original["orders"], credits={
                                "number": invoice.number, "issue_date": original["issue_date"],
                                "reason": reason, "full": amount == left})

        note = Invoice(kind=InvoiceKind.CREDIT_NOTE, buyer_kind=invoice.buyer_kind,
                       canteen_id=invoice.canteen_id, user_id=invoice.user_id,
                       order_id=invoice.order_id, period_start=invoice.period_start,
                       period_end=invoice.period_end, credited_invoice_id=invoice.id)
        return _issue(note, content)


# Reading ---------------------------------------------------------------------------------

def readable(user: User, invoice_id: int) -> Invoice:
    """An invoice its reader may see: coordinators all, a canteen its own, a household
    its own (someone else's is answered as missing, its existence is not told)."""
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(_("Cette facture n'existe pas."))
    if user.role == Role.COORDINATOR:
        return invoice
    if user.role == Role.CANTEEN_MANAGER and invoice.canteen_id is not None \
            and invoice.canteen_id == user.canteen_id:
        return invoice
    if user.role == Role.HOUSEHOLD and invoice.canteen_id is None \
            and invoice.user_id == user.id:
        return invoice
    raise Forbidden(_("Vous n'avez pas accès à cette page."))


def all_invoices(limit: int = 200) -> list[Invoice]:
    return list(db.session.scalars(select(Invoice).order_by(Invoice.id.desc()).limit(limit)))


def canteen_invoices(canteen_id: int | None) -> list[Invoice]:
    return list(db.session.scalars(select(Invoice).where(
        Invoice.canteen_id == canteen_id).order_by(Invoice.id.desc())))


def order_invoices(order_ids: list[int]) -> dict[int, int]:
    """Order id -> the id of its standing invoice, for the household's list."""
    return {order_id or 0: invoice_id for order_id, invoice_id in db.session.execute(
        select(Invoice.order_id, Invoice.id).where(
            Invoice.order_id.in_(order_ids), Invoice.kind == InvoiceKind.INVOICE)
        .order_by(Invoice.id))}
