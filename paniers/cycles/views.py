"""The coordinator's cycle pages."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.cycles import dashboard, services
from paniers.cycles.forms import CycleForm
from paniers.cycles.states import PARIS, default_cutoff, validate_schedule
from paniers.errors import ServiceError
from paniers.types import utcnow

blueprint = Blueprint("cycles", __name__, url_prefix="/coordination")
coordinator_only = role_required(Role.COORDINATOR)


@blueprint.route("/cycles", methods=["GET", "POST"])
@coordinator_only
def index() -> str | Response:
    form = CycleForm()
    if not form.is_submitted():
        delivery = services.next_free_delivery_date()
        form.delivery_date.data = delivery
        form.cutoff.data = default_cutoff(delivery).replace(tzinfo=None)
    if form.validate_on_submit():
        specs = services.next_week_formats({
            code: getattr(form, f"quota_{code}").data or 0
            for code, _price, _weight, _min in services.DEFAULT_FORMATS})
        delivery = form.delivery_date.data
        assert delivery is not None
        typed: datetime | None = form.cutoff.data  # type: ignore[assignment]
        cutoff = typed.replace(tzinfo=PARIS) if typed else default_cutoff(delivery)
        if problems := validate_schedule(delivery, cutoff, utcnow()):
            form.cutoff.errors = [services.schedule_message(problems[0])]
        else:
            try:
                cycle = services.create_cycle(delivery, cutoff, specs)
            except ServiceError as error:
                form.delivery_date.errors = [str(error)]
            else:
                flash(_("Cycle créé (brouillon). Ouvrez-le quand l'offre est prête."),
                      "success")
                return redirect(url_for("cycles.show", cycle_id=cycle.id))
    return render_template("cycles/index.html", form=form, cycles=services.cycles(),
                           status_label=services.status_label, default_cutoff=default_cutoff)


@blueprint.route("/cycles/<int:cycle_id>")
@coordinator_only
def show(cycle_id: int) -> str:
    return _show(cycle_id)


def _show(cycle_id: int, confirm: str = "") -> str:
    """The cycle's page; with ``confirm``, the second step of a move that cannot be undone
    (or that the week is not ready for), saying what it will do."""
    cycle = services.get_cycle(cycle_id)
    return render_template(
        "cycles/show.html", cycle=cycle, action=FlaskForm(),
        products=dashboard.product_figures(cycle_id), farms=dashboard.farm_figures(cycle_id),
        points=dashboard.orders_per_point(cycle_id), status_label=services.status_label,
        confirm=confirm, readiness=dashboard.supply_readiness(cycle),
        orders=dashboard.live_orders(cycle_id),
    )


class MoveForm(FlaskForm):
    confirmed = HiddenField()


@blueprint.route("/cycles/<int:cycle_id>/<any(ouvrir, clore):move>", methods=["POST"])
@coordinator_only
def move(cycle_id: int, move: str) -> str | Response:
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Le formulaire a expiré, réessayez."), "error")
        return redirect(url_for("cycles.show", cycle_id=cycle_id))
    cycle = services.get_cycle(cycle_id)
    confirmed = form.confirmed.data == "1"
    if move == "ouvrir":
        if not confirmed and dashboard.supply_readiness(cycle).thin:
            return _show(cycle_id, confirm="ouvrir")
        services.open_cycle(cycle_id)
        flash(_("Le cycle est ouvert aux commandes."), "success")
    else:
        if not confirmed:
            return _show(cycle_id, confirm="clore")
        services.close_and_hand_over(cycle_id)
        flash(_("Le cycle est clos : plus aucune commande. La répartition démarre."), "success")
    return redirect(url_for("cycles.show", cycle_id=cycle_id))
