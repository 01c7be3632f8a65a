"""The coordinator's cycle pages."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.cycles import dashboard, services
from paniers.cycles.forms import CycleForm
from paniers.cycles.states import PARIS, default_cutoff
from paniers.errors import ServiceError

blueprint = Blueprint("cycles", __name__, url_prefix="/coordination")
coordinator_only = role_required(Role.COORDINATOR)


@blueprint.route("/cycles", methods=["GET", "POST"])
@coordinator_only
def index() -> str | Response:
    form = CycleForm()
    if form.validate_on_submit():
        specs = [
            services.FormatSpec(code, price, weight, getattr(form, f"quota_{code}").data or 0)
            for code, price, weight, _min in services.DEFAULT_FORMATS
        ]
        cutoff: datetime = form.cutoff.data  # type: ignore[assignment]
        try:
            cycle = services.create_cycle(
                form.delivery_date.data, cutoff.replace(tzinfo=PARIS), specs  # type: ignore[arg-type]
            )
        except ServiceError as error:
            form.delivery_date.errors = [str(error)]
        else:
            flash(_("Cycle créé (brouillon). Ouvrez-le quand l'offre est prête."), "success")
            return redirect(url_for("cycles.show", cycle_id=cycle.id))
    return render_template("cycles/index.html", form=form, cycles=services.cycles(),
                           status_label=services.status_label, default_cutoff=default_cutoff)


@blueprint.route("/cycles/<int:cycle_id>")
@coordinator_only
def show(cycle_id: int) -> str:
    cycle = services.get_cycle(cycle_id)
    return render_template(
        "cycles/show.html", cycle=cycle, action=FlaskForm(),
        products=dashboard.product_figures(cycle_id), farms=dashboard.farm_figures(cycle_id),
        points=dashboard.orders_per_point(cycle_id), status_label=services.status_label,
    )


@blueprint.route("/cycles/<int:cycle_id>/<any(ouvrir, clore):move>", methods=["POST"])
@coordinator_only
def move(cycle_id: int, move: str) -> Response:
    if not FlaskForm().validate_on_submit():
        flash(_("Le formulaire a expiré, réessayez."), "error")
    elif move == "ouvrir":
        services.open_cycle(cycle_id)
        flash(_("Le cycle est ouvert aux commandes."), "success")
    else:
        services.close_and_hand_over(cycle_id)
        flash(_("Le cycle est clos : plus aucune commande."), "success")
    return redirect(url_for("cycles.show", cycle_id=cycle_id))
