"""The relay host's pages: this week's pickups at my point."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.cycles.services import current_cycle
from paniers.points import services

blueprint = Blueprint("points", __name__, url_prefix="/relais")


@blueprint.route("/")
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def evening() -> str:
    cycle = current_cycle()
    point_id = request.args.get("point", type=int)
    sheet = services.pickup_sheet(current_user, cycle.id, point_id) if cycle else None
    query = (request.args.get("q") or "").strip().casefold()
    orders = [o for o in sheet.orders if query in o.user.name.casefold()] if sheet else []
    return render_template("points/evening.html", cycle=cycle, sheet=sheet, orders=orders,
                           query=query, action=FlaskForm())


@blueprint.route("/commandes/<int:order_id>/remise", methods=["POST"])
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def check_off(order_id: int) -> Response:
    if FlaskForm().validate_on_submit():
        order = services.check_off(current_user, order_id)
        flash(_("Commande de %(name)s remise.", name=order.user.name), "success")
    return redirect(request.referrer or url_for("points.evening"))
