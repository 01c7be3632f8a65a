"""The household's pages: the catalogue, ordering, my orders."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.allocation.outcome import what_households_see
from paniers.cycles.models import OrderCycle, ProductStock
from paniers.cycles.services import current_cycle
from paniers.cycles.states import CycleStatus
from paniers.errors import ServiceError
from paniers.extensions import kept_after_commit
from paniers.formatting import money
from paniers.formids import as_id
from paniers.invoices.services import order_invoices
from paniers.orders import services
from paniers.orders.catalogue import (
    OrderSummary,
    catalogue,
    offered_stocks,
    orderable_point,
    orderable_points,
    summarise,
)
from paniers.orders.forms import OrderForm
from paniers.orders.models import Order
from paniers.payments.models import PaymentStatus
from paniers.payments.services import payment_choice
from paniers.points.models import PickupPoint

blueprint = Blueprint("orders", __name__)


def point_choice(point: PickupPoint) -> tuple[int, str]:
    return point.id, f"{point.town} — {point.name} ({point.pickup_window})"


@blueprint.route("/catalogue", methods=["GET", "POST"])
@role_required(Role.HOUSEHOLD)
def catalogue_page() -> str | Response:
    cycle = current_cycle()
    if cycle is None or cycle.status != CycleStatus.OPEN:
        return render_template("orders/closed.html", cycle=cycle)
    form = OrderForm()
    if form.is_submitted() and request.form.get("confirmed") == "1":
        placed = place(form, cycle)
        if placed is not None:
            return placed
    elif form.is_submitted() and request.form.get("edit") != "1":
        summary = preview(form, cycle)
        if summary is not None:
            return render_template("orders/summary.html", form=form, cycle=cycle,
                                   summary=summary, changing=_changing(cycle))
    offer = catalogue(cycle)
    points = orderable_points()
    # The first time, the household chooses its point; then it is remembered.
    known = current_user.point_id in {p.id for p in points}
    form.point.choices = ([] if known else [(0, _("— Choisissez un point de retrait —"))]) + [
        point_choice(p) for p in points]
    changing = _changing(cycle)
    if not form.is_submitted():
        form.point.data = current_user.point_id if known else 0
        baskets, products = {}, {}
        if changing is not None:  # the form starts from the order being changed
            form.point.data = changing.point_id
            baskets = {ln.basket_format_id: ln.quantity for ln in changing.lines
                       if ln.basket_format_id}
            products = {ln.product_id: ln.quantity for ln in changing.lines if ln.product_id}
        for fmt in offer.formats:
            form.baskets.append_entry({"format_id": fmt.id, "count": baskets.get(fmt.id, 0)})
        for stock in offer.stocks:
            form.products.append_entry({"product_id": stock.product_id,
                                        "quantity": products.get(stock.product_id)})
        form.bind_units({s.product_id: s.product.unit for s in offer.stocks})
    formats = {f.id: f for f in offer.formats}
    stocks_by_id = {s.product_id: s for s in offer.stocks}
    return render_template(
        "orders/catalogue.html", form=form, cycle=cycle, offer=offer, points=points,
        changing=changing,
        # Rows whose hidden id was tampered with are not shown again.
        basket_rows=[(e, formats[as_id(e.form.format_id.data)]) for e in form.baskets
                     if as_id(e.form.format_id.data) in formats],
        product_rows=[(e, stocks_by_id[as_id(e.form.product_id.data)]) for e in form.products
                      if as_id(e.form.product_id.data) in stocks_by_id],
    )


def _changing(cycle: OrderCycle) -> Order | None:
    """The order being changed (``?modifier=`` on the page, ``modifier`` in the form)."""
    order_id = as_id(request.values.get("modifier"))
    if not order_id:
        return None
    order = services.changeable_order(current_user, order_id)
    if order.cycle_id != cycle.id:
        raise ServiceError(_("Cette commande ne se modifie plus."))
    return order


def _checked(form: OrderForm, cycle: OrderCycle) -> tuple[PickupPoint, list[ProductStock]] | None:
    """The posted form checked: the point chosen and the products asked for, else None
    with the reasons in the form.

    Only what the order needs is read (the point chosen, the products asked for): the
    whole catalogue and every point are read when the form is shown again."""
    point = orderable_point(form.point.data)
    form.point.choices = [point_choice(point)] if point is not None else []
    # Held until the order is placed: the products stay in the session, not read again.
    stocks = offered_stocks(cycle.id, form.typed_ids())
    form.bind_units({s.product_id: s.product.unit for s in stocks})
    valid = form.validate()
    if point is None:
        form.point.errors = [_("Choisissez un point de retrait dans la liste.")]
        return None
    return (point, stocks) if valid else None


def preview(form: OrderForm, cycle: OrderCycle) -> OrderSummary | None:
    """What the order will be, with its total, before the household confirms it."""
    checked = _checked(form, cycle)
    if checked is None:
        return None
    point, stocks = checked
    summary = summarise(cycle, point, form.cart(), stocks)
    if not summary.lines:
        flash(_("Votre commande est vide."), "error")
        return None
    return summary


def place(form: OrderForm, cycle: OrderCycle) -> Response | None:
    """A confirmed order: placed, the redirect; else None, the form is shown again with why."""
    # Held until the order is placed: the point and the products stay in the session's
    # identity map, so that the service finds them there instead of reading each again.
    checked = _checked(form, cycle)
    if checked is None:
        return None
    changing = _changing(cycle)
    try:
        # The request ends with this commit: what it wrote stays loaded for the redirect.
        with kept_after_commit():
            method = payment_choice(request.form.get("payment"))
            if changing is not None:
                order = services.change_order(current_user, changing.id, form.point.data,
                                              form.cart(), payment_method=method)
                flash(_("La commande n° %(old)d est remplacée par la commande n° %(new)d.",
                        old=changing.id, new=order.id), "success")
            else:
                order = services.place_order(current_user, cycle.id, form.point.data,
                                             form.cart(), payment_method=method, confirm=True)
            return redirect(after_placing(order))
    except ServiceError as error:
        flash(str(error), "error")
        return None


def after_placing(order: Order) -> str:
    """Where the household goes once an order is placed: Checkout's step, or its orders."""
    payment = order.payment
    if payment is not None and payment.status == PaymentStatus.PENDING:
        return url_for("payments.confirm", order_id=order.id)
    flash(_("Commande n° %(id)d enregistrée. Paiement au retrait.", id=order.id), "success")
    if payment is not None and payment.solidarity_cents:
        flash(_("Panier solidaire : vous payez %(amount)s, le fonds solidaire prend en charge "
                "%(fund)s.", amount=money(payment.amount_cents),
                fund=money(payment.solidarity_cents)), "success")
    elif payment is not None and current_user.solidarity_eligible:
        flash(_("Le budget solidaire de la semaine est épuisé : le prix normal s'applique."),
              "error")
    return url_for("orders.mine")


@blueprint.route("/mes-commandes")
@role_required(Role.HOUSEHOLD, Role.CANTEEN_MANAGER)
def mine() -> str:
    orders = services.orders_of(current_user)
    contents, shortages = what_households_see(orders)
    return render_template("orders/mine.html", orders=orders, contents=contents,
                           shortages=shortages, action=FlaskForm(),
                           invoices=order_invoices([order.id for order in orders]))


@blueprint.route("/mes-commandes/<int:order_id>/annuler", methods=["POST"])
@role_required(Role.HOUSEHOLD, Role.CANTEEN_MANAGER)
def cancel(order_id: int) -> str | Response:
    """Two steps: what cancelling does (stock back, refund), then the confirmation."""
    form = FlaskForm()
    if form.validate_on_submit():
        if request.form.get("confirmed") != "1":
            return render_template("orders/cancel.html", order=services.own_order(
                current_user, order_id), action=form)
        services.cancel_order(current_user, order_id)
        flash(_("Commande annulée."), "success")
    return redirect(url_for("orders.mine"))
