"""A cycle's money, reconciled: orders, payments, refunds, the solidarity fund and the
provider's events; and the farms' statements.

Each order's row is checked three ways: ``paid = charged - refunded`` from our own
refund rows, the same figure from Stripe's events for online payments, and what the
household should have paid once shortages and cancellations are taken off.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from paniers.allocation.models import AllocationLine
from paniers.cycles.models import ProductStock
from paniers.extensions import db
from paniers.formatting import unit_label
from paniers.money import from_base_amount
from paniers.orders.models import Order, OrderStatus
from paniers.payments.models import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    ProviderEvent,
    Refund,
    RefundReason,
    RefundStatus,
    RefundVia,
)
from paniers.payments.solidarity import fund_of
from paniers.payments.statements import (
    FarmStatement,
    OfferPrice,
    farm_statements,
    pro_rata_allocations,
)
from paniers.reports.framework import Column, Kind, Report, Table
from paniers.reports.tables import table_of
from producers.models import SupplyOffer

PAID_SESSION_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
WHOLE = (RefundReason.CANCELLATION, RefundReason.LATE_PAYMENT)


@dataclass(frozen=True)
class OrderMoney:
    order_id: int
    household: str
    point: str
    method: str
    order_status: str
    payment_status: str
    gross_cents: int  # the order's value at the normal price
    solidarity_cents: int  # paid by the fund, net of what went back to it
    expected_cents: int  # what the household should end up paying
    charged_cents: int
    refunded_cents: int
    pending_refund_cents: int
    provider_net_cents: int | None  # charged - refunded, as Stripe's events tell
    problems: tuple[str, ...]

    @property
    def paid_cents(self) -> int:
        return self.charged_cents - self.refunded_cents

    @property
    def outstanding_cents(self) -> int:
        """Still to collect (positive, at pickup) or to give back (negative)."""
        return self.expected_cents - self.paid_cents


@dataclass
class Reconciliation:
    cycle_id: int
    rows: list[OrderMoney]
    refunds: list[Refund]
    fund_budget_cents: int
    fund_used_cents: int
    unmatched_events: list[ProviderEvent]
    problems: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(row, name) or 0 for row in self.rows)

    def by_method(self, method: str, name: str) -> int:
        return sum(getattr(row, name) or 0 for row in self.rows if row.method == method)

    @property
    def balanced(self) -> bool:
        return not self.problems and not any(row.problems for row in self.rows)


def _provider_net(events: list[ProviderEvent]) -> int:
    charged: dict[str, int] = {}
    refunded: dict[str, int] = {}
    for event in events:
        obj = event.payload["data"]["object"]
        if event.type in PAID_SESSION_EVENTS and obj.get("payment_status") == "paid":
            charged[obj["id"]] = int(obj.get("amount_total") or 0)
        elif event.type == "charge.refunded":
            refunded[obj["id"]] = max(refunded.get(obj["id"], 0),
                                      int(obj.get("amount_refunded") or 0))
    return sum(charged.values()) - sum(refunded.values())


def _row(order: Order, payment: Payment, events: list[ProviderEvent]) -> OrderMoney:
    refunds = payment.refunds
    succeeded_card = sum(r.amount_cents for r in refunds
                         if r.via == RefundVia.CARD and r.status == RefundStatus.SUCCEEDED)
    pending = sum(r.amount_cents for r in refunds
                  if r.via == RefundVia.CARD and r.status == RefundStatus.PENDING)
    fund_back = sum(r.solidarity_cents for r in refunds if r.status != RefundStatus.FAILED)
    live = order.status not in (OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT)
    if not live or any(r.reason in WHOLE for r in refunds):
        expected = 0
        solidarity = 0
    else:
        shortages = sum(r.amount_cents for r in refunds if r.reason == RefundReason.SHORTAGE
                        and r.status != RefundStatus.FAILED)
        expected = payment.amount_cents - shortages
        solidarity = payment.solidarity_cents - fund_back
    problems = []
    if payment.refunded_cents != succeeded_card:
        problems.append("refunded total differs from the refund rows")
    provider = None
    if payment.method == PaymentMethod.ONLINE:
        provider = _provider_net(events)
        if provider != payment.paid_cents:
            problems.append("Stripe's events disagree (an event not received yet?)")
    if payment.charged_cents and not live and payment.paid_cents - pending != 0:
        problems.append("money kept for an order that is not served")
    return OrderMoney(
        order_id=order.id, household=order.user.name,
        point=f"{order.point.town} — {order.point.name}", method=payment.method,
        order_status=order.status, payment_status=payment.status,
        gross_cents=order.total_cents, solidarity_cents=solidarity, expected_cents=expected,
        charged_cents=payment.charged_cents, refunded_cents=payment.refunded_cents,
        pending_refund_cents=pending, provider_net_cents=provider, problems=tuple(problems),
    )


def reconcile(cycle_id: int) -> Reconciliation:
    payments = db.session.scalars(
        select(Payment).where(Payment.cycle_id == cycle_id)
        .options(selectinload(Payment.refunds), selectinload(Payment.order))
        .order_by(Payment.order_id)).all()
    order_ids = [p.order_id for p in payments]
    events: dict[int | None, list[ProviderEvent]] = defaultdict(list)
    for event in db.session.scalars(select(ProviderEvent).where(
            ProviderEvent.order_id.in_(order_ids)).order_by(ProviderEvent.id)):
        events[event.order_id].append(event)
    rows = [_row(p.order, p, events[p.order_id]) for p in payments]
    fund = fund_of(cycle_id)
    report = Reconciliation(
        cycle_id=cycle_id, rows=rows,
        refunds=[r for p in payments for r in p.refunds],
        fund_budget_cents=fund.budget_cents if fund else 0,
        fund_used_cents=fund.used_cents if fund else 0,
        unmatched_events=list(db.session.scalars(select(ProviderEvent).where(
            ProviderEvent.order_id.is_(None),
            ProviderEvent.type.in_((*PAID_SESSION_EVENTS, "charge.refunded"))))),
    )
    if report.fund_used_cents != report.total("solidarity_cents"):
        report.problems.append("solidarity fund use differs from the orders' shares")
    if any(_provider_net([e]) for e in report.unmatched_events):
        report.problems.append("a payment at Stripe matches no order")
    return report


def _problems(row: OrderMoney) -> str:
    return "; ".join(row.problems)


def _method(row: OrderMoney) -> str:
    return {"online": _("carte (en ligne)"), "at_pickup": _("au retrait")}.get(row.method,
                                                                              row.method)


def _money(header: Any, name: str) -> Column[OrderMoney]:
    return Column(header, lambda row: getattr(row, name), Kind.MONEY, total=True)


RECONCILIATION: Report[OrderMoney] = Report(
    slug="paiements", title=_l("Paiements du cycle"),
    description=_l("Chaque commande : ce qu'elle vaut, ce qui est encaissé et remboursé."),
    columns=(
        Column(_l("Commande"), lambda row: row.order_id, Kind.INTEGER, width=10),
        Column(_l("Foyer"), lambda row: row.household, width=24),
        Column(_l("Point"), lambda row: row.point, width=30),
        Column(_l("Paiement"), _method, width=16),
        Column(_l("État de la commande"), lambda row: row.order_status, width=12),
        Column(_l("État du paiement"), lambda row: row.payment_status, width=12),
        _money(_l("Valeur"), "gross_cents"),
        _money(_l("Part solidaire"), "solidarity_cents"),
        _money(_l("Attendu"), "expected_cents"),
        _money(_l("Encaissé"), "charged_cents"),
        _money(_l("Remboursé"), "refunded_cents"),
        _money(_l("Payé"), "paid_cents"),
        _money(_l("Remboursement en attente"), "pending_refund_cents"),
        _money(_l("Reste à régler"), "outstanding_cents"),
        _money(_l("Net chez Stripe"), "provider_net_cents"),
        Column(_l("Problèmes"), _problems, width=40),
    ),
)


def reconciliation_table(report: Reconciliation) -> Table:
    table = table_of(RECONCILIATION, report.rows)
    if report.problems:
        table.add_footer(_("Problèmes"), *([None] * 14), "; ".join(report.problems))
    return table


def offer_prices(cycle_id: int) -> list[OfferPrice]:
    offers = db.session.scalars(select(SupplyOffer).where(
        SupplyOffer.cycle_id == cycle_id, SupplyOffer.quantity > 0)).all()
    return [OfferPrice(o.id, o.farm_id, o.farm.name, o.product_id, o.product.name,
                       o.product.unit, o.quantity, o.price_cents) for o in offers]


def cycle_statements(cycle_id: int) -> tuple[list[FarmStatement], bool]:
    """The farms' statements and whether they are provisional (no allocation yet: each
    product's sales split across its farms pro rata of what they declared)."""
    offers = offer_prices(cycle_id)
    allocations = [(int(offer_id), int(quantity)) for offer_id, quantity in db.session.execute(
        select(AllocationLine.offer_id, func.sum(AllocationLine.quantity))
        .where(AllocationLine.cycle_id == cycle_id).group_by(AllocationLine.offer_id))]
    if allocations:
        return farm_statements(offers, allocations), False
    sold = {int(pid): int(q) for pid, q in db.session.execute(
        select(ProductStock.product_id, ProductStock.sold)
        .where(ProductStock.cycle_id == cycle_id))}
    return farm_statements(offers, pro_rata_allocations(offers, sold)), True


@dataclass(frozen=True)
class StatementRow:
    farm: str
    product: str
    unit: str
    quantity: int  # base amount
    price_cents: int
    owed_cents: int


FARM_STATEMENTS: Report[StatementRow] = Report(
    slug="fermes", title=_l("Relevés des fermes"),
    description=_l("Ce que chaque ferme doit recevoir pour la semaine."),
    columns=(
        Column(_l("Ferme"), lambda row: row.farm, width=28),
        Column(_l("Produit"), lambda row: row.product, width=22),
        Column(_l("Unité"), lambda row: unit_label(row.unit, 2), width=10),
        Column(_l("Quantité"), lambda row: from_base_amount(row.quantity, row.unit),
               Kind.DECIMAL),
        Column(_l("Prix unitaire"), lambda row: row.price_cents, Kind.MONEY),
        Column(_l("Dû"), lambda row: row.owed_cents, Kind.MONEY, total=True),
    ),
    group_by=lambda row: row.farm,
)


def statements_table(statements: list[FarmStatement], provisional: bool) -> Table:
    rows = [StatementRow(s.farm_name, line.product_name, line.unit, line.quantity,
                         line.price_cents, line.owed_cents)
            for s in statements for line in s.lines]
    table = table_of(FARM_STATEMENTS, rows)
    if provisional:
        table.add_footer(_("Provisoire : la répartition n'a pas encore eu lieu, les ventes de "
                           "chaque produit sont partagées entre ses fermes au prorata de ce "
                           "qu'elles ont déclaré."))
    return table


__all__ = ["PaymentStatus", "Reconciliation", "cycle_statements", "reconcile"]
