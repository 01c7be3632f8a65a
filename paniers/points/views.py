"""The relay host's pages: this week's pickups at my point."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.cycles.services import cycle_for_pickup
from paniers.delivery.planning import expected_at
from paniers.formids import as_id
from paniers.points import services
from paniers.points.forms import CloseEveningForm
from paniers.redirects import safe_referrer

blueprint = Blueprint("points", __name__, url_prefix="/relais")


@blueprint.route("/")
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def evening() -> str:
    cycle = cycle_for_pickup()
    point_id = request.args.get("point", type=as_id) or None
    sheet = services.pickup_sheet(current_user, cycle.id, point_id) if cycle else None
    query = (request.args.get("q") or "").strip().casefold()
    orders = [o for o in sheet.orders if query in o.user.name.casefold()] if sheet else []
    evening = services.evening_of(sheet.point.id, cycle.id) if sheet and cycle else None
    van = expected_at(cycle.id, sheet.point.id) if sheet and cycle else None
    return render_template("points/evening.html", cycle=cycle, sheet=sheet, orders=orders,
                           query=query, action=FlaskForm(), evening=evening,
                           closing=CloseEveningForm(), van=van)


@blueprint.route("/commandes/<int:order_id>/remise", methods=["POST"])
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def check_off(order_id: int) -> Response:
    if FlaskForm().validate_on_submit():
        order = services.check_off(current_user, order_id)
        flash(_("Commande de %(name)s remise.", name=order.user.name), "success")
    return redirect(safe_referrer(url_for("points.evening")))


@blueprint.route("/soiree/cloture", methods=["POST"])
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def close_evening() -> Response:
    form = CloseEveningForm()
    cycle = cycle_for_pickup()
    point_id = request.args.get("point", type=as_id) or None
    if cycle is not None and form.validate_on_submit():
        evening = services.close_evening(current_user, cycle.id, form.outcome.data or "",
                                         form.note.data or "", point_id)
        flash(ngettext("Soirée close : %(num)d panier non retiré, les foyers sont prévenus.",
                       "Soirée close : %(num)d paniers non retirés, les foyers sont prévenus.",
                       evening.unclaimed), "success")
    else:
        flash(_("Dites ce que deviennent les paniers non retirés."), "error")
    return redirect(url_for("points.evening", point=point_id))


@blueprint.route("/liste-imprimable")
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def printable() -> str:
    cycle = cycle_for_pickup()
    point_id = request.args.get("point", type=as_id) or None
    sheet = services.pickup_sheet(current_user, cycle.id, point_id) if cycle else None
    return render_template("points/print.html", cycle=cycle, sheet=sheet)
