"""The coordinator's fleet page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.delivery import services
from paniers.delivery.forms import VehicleForm
from paniers.errors import ServiceError
from paniers.points.models import format_window

blueprint = Blueprint("delivery", __name__, url_prefix="/coordination/flotte")


@blueprint.route("/")
@role_required(Role.COORDINATOR)
def fleet() -> str:
    vehicles = services.fleet()
    return render_template("delivery/fleet.html", vehicles=vehicles, format_window=format_window)


@blueprint.route("/<int:vehicle_id>", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(vehicle_id: int) -> str | Response:
    vehicle = next((v for v in services.fleet() if v.id == vehicle_id), None)
    if vehicle is None:
        raise ServiceError(_("Ce véhicule n'existe pas."))
    form = VehicleForm(obj=vehicle)
    if not form.is_submitted():
        form.shift_start.data = format_window(vehicle.shift_start_min, vehicle.shift_end_min)[:5]
        form.shift_end.data = format_window(vehicle.shift_start_min, vehicle.shift_end_min)[-5:]
    elif form.validate():
        try:
            services.update_vehicle(vehicle_id, services.VehicleChange(
                name=form.name.data or "", capacity_kg=form.capacity_kg.data or 0,
                capacity_crates=form.capacity_crates.data or 0,
                shift_start_min=services.clock_minutes(form.shift_start.data or "00:00"),
                shift_end_min=services.clock_minutes(form.shift_end.data or "00:00"),
                max_km=form.max_km.data, cost_per_km_cents=form.cost_per_km_cents.data or 0,
                active=bool(form.active.data)))
        except ServiceError as error:
            form.shift_end.errors = [str(error)]
        else:
            flash(_("Véhicule enregistré. Replanifiez les tournées pour en tenir compte."),
                  "success")
            return redirect(url_for("delivery.fleet"))
    return render_template("delivery/edit.html", form=form, vehicle=vehicle)
