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
from paniers.cycles import week
from paniers.cycles.models import OrderCycle
from paniers.delivery.planning import expected_at
from paniers.formids import as_id
from paniers.news.services import sheet_of
from paniers.points import services
from paniers.points.forms import CloseEveningForm
from paniers.redirects import safe_referrer

blueprint = Blueprint("points", __name__, url_prefix="/relais")


def _delivery() -> OrderCycle | None:
    """The delivery asked for (``?cycle=``), else this week's."""
    return week.chosen(request.args.get("cycle", type=as_id))


def _point_id() -> int | None:
    return request.args.get("point", type=as_id) or None


def _back(cycle: OrderCycle | None) -> str:
    return url_for("points.evening", point=_point_id(), cycle=cycle.id if cycle else None)


@blueprint.route("/")
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def evening(closing: CloseEveningForm | None = None, confirming: bool = False) -> str:
    cycle = _delivery()
    sheet = services.pickup_sheet(current_user, cycle.id, _point_id()) if cycle else None
    query = (request.args.get("q") or "").strip().casefold()
    orders = [o for o in sheet.orders if query in o.user.name.casefold()] if sheet else []
    evening = services.evening_of(sheet.point.id, cycle.id) if sheet and cycle else None
    van = expected_at(cycle.id, sheet.point.id) if sheet and cycle else None
    return render_template("points/evening.html", cycle=cycle, sheet=sheet, orders=orders,
                           query=query, action=FlaskForm(), evening=evening,
                           closing=closing or CloseEveningForm(), confirming=confirming,
                           van=van, deliveries=week.nearby(cycle))


@blueprint.route("/commandes/<int:order_id>/remise", methods=["POST"])
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def check_off(order_id: int) -> Response:
    if FlaskForm().validate_on_submit():
        order = services.check_off(current_user, order_id)
        flash(_("Commande de %(name)s remise.", name=order.user.name), "success")
    return redirect(safe_referrer(url_for("points.evening")))


@blueprint.route("/commandes/<int:order_id>/remise/annuler", methods=["POST"])
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def undo_check_off(order_id: int) -> Response:
    if FlaskForm().validate_on_submit():
        order = services.undo_check_off(current_user, order_id)
        flash(_("Remise annulée : la commande de %(name)s est de nouveau à remettre.",
                name=order.user.name), "success")
    return redirect(safe_referrer(url_for("points.evening")))


@blueprint.route("/soiree/cloture", methods=["POST"])
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def close_evening() -> str | Response:
    """Two steps: the host says what becomes of the baskets left, sees what will happen,
    then confirms."""
    form = CloseEveningForm()
    cycle = _delivery()
    if cycle is None or not form.validate_on_submit():
        flash(_("Dites ce que deviennent les paniers non retirés."), "error")
        return redirect(_back(cycle))
    if request.form.get("confirmed") != "1":
        return evening(closing=form, confirming=True)
    closed = services.close_evening(current_user, cycle.id, form.outcome.data or "",
                                    form.note.data or "", _point_id())
    flash(ngettext("Soirée close : %(num)d panier non retiré, les foyers sont prévenus.",
                   "Soirée close : %(num)d paniers non retirés, les foyers sont prévenus.",
                   closed.unclaimed), "success")
    return redirect(_back(cycle))


@blueprint.route("/soiree/reouvrir", methods=["POST"])
@role_required(Role.COORDINATOR)
def reopen_evening() -> Response:
    cycle = _delivery()
    point_id = _point_id()
    if cycle is not None and point_id is not None and FlaskForm().validate_on_submit():
        back = services.reopen_evening(current_user, cycle.id, point_id)
        flash(ngettext("Soirée rouverte : %(num)d commande de nouveau à remettre.",
                       "Soirée rouverte : %(num)d commandes de nouveau à remettre.", back),
              "success")
    return redirect(_back(cycle))


@blueprint.route("/liste-imprimable")
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def printable() -> str:
    cycle = _delivery()
    point_id = _point_id()
    sheet = services.pickup_sheet(current_user, cycle.id, point_id) if cycle else None
    news = sheet_of(cycle.id) if cycle else None
    return render_template("points/print.html", cycle=cycle, sheet=sheet, news=news)
