"""The canteen manager's pages: ordering produce by weight for the canteen."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from canteens.models import Canteen
from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.cycles.services import current_cycle
from paniers.cycles.states import CycleStatus
from paniers.errors import Forbidden, ServiceError
from paniers.extensions import db
from paniers.orders import services as orders
from paniers.orders.catalogue import catalogue
from paniers.orders.forms import CanteenOrderForm
from paniers.orders.models import OrderSource
from paniers.orders.views import read_products

blueprint = Blueprint("canteens", __name__, url_prefix="/cantine")


@blueprint.route("/commande", methods=["GET", "POST"])
@role_required(Role.CANTEEN_MANAGER)
def order() -> str | Response:
    canteen = db.session.get(Canteen, current_user.canteen_id or 0)
    if canteen is None:
        raise Forbidden(_("Votre compte n'est rattaché à aucune cantine."))
    cycle = current_cycle()
    if cycle is None or cycle.status != CycleStatus.OPEN:
        return render_template("orders/closed.html", cycle=cycle)
    offer = catalogue(cycle)
    form = CanteenOrderForm()
    stocks = {s.product_id: s for s in offer.stocks}
    if not form.is_submitted():
        for stock in offer.stocks:
            form.products.append_entry({"product_id": stock.product_id, "quantity": ""})
    elif form.validate():
        try:
            cart = orders.Cart(baskets={}, products=read_products(form.products, stocks))
            placed = orders.place_order(current_user, cycle.id, canteen.point_id, cart,
                                        source=OrderSource.CANTEEN)
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Commande n° %(id)d de la cantine enregistrée.", id=placed.id), "success")
            return redirect(url_for("orders.mine"))
    rows = [(e, stocks.get(int(e.form.product_id.data or 0))) for e in form.products]
    return render_template("canteens/order.html", form=form, cycle=cycle, canteen=canteen,
                           rows=rows)
