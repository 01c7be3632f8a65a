"""The coordinator's delivery pages: the week's rounds (map, route sheets, re-planning)
and the fleet."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from canteens.calendar import week_fed_by
from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.cycles import services as cycles
from paniers.cycles import week
from paniers.delivery import planning, services
from paniers.delivery.forms import PlanningForm, VehicleForm
from paniers.errors import NotFound, ServiceError
from paniers.formids import as_id
from paniers.jobs import services as jobs
from paniers.points.models import format_window

blueprint = Blueprint("delivery", __name__, url_prefix="/coordination")
PLAN_ROUTES = "paniers.delivery.tasks.plan_routes"


@blueprint.route("/flotte/")
@role_required(Role.COORDINATOR)
def fleet() -> str:
    vehicles = services.fleet()
    return render_template("delivery/fleet.html", vehicles=vehicles, format_window=format_window)


@blueprint.route("/flotte/<int:vehicle_id>", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(vehicle_id: int) -> str | Response:
    vehicle = next((v for v in services.fleet() if v.id == vehicle_id), None)
    if vehicle is None:
        raise ServiceError(_("Ce véhicule n'existe pas."))
    form = VehicleForm(obj=vehicle)
    form.hub_id.choices = [(hub.id, hub.name) for hub in services.hubs(vehicle.hub_id)]
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
                active=bool(form.active.data), hub_id=form.hub_id.data or 0,
                long_haul=bool(form.long_haul.data)))
        except ServiceError as error:
            form.shift_end.errors = [str(error)]
        else:
            flash(_("Véhicule enregistré. Replanifiez les tournées pour en tenir compte."),
                  "success")
            return redirect(url_for("delivery.fleet"))
    return render_template("delivery/edit.html", form=form, vehicle=vehicle)


@blueprint.route("/tournees")
@role_required(Role.COORDINATOR)
def rounds_this_week() -> Response:
    """This week's rounds (the delivery worked on now: see :mod:`paniers.cycles.week`)."""
    cycle = week.chosen(request.args.get("cycle", type=as_id))
    if cycle is None:
        raise NotFound(_("Aucune livraison n'est prévue."))
    return redirect(url_for("delivery.rounds", cycle_id=cycle.id))


@blueprint.route("/cycles/<int:cycle_id>/tournees")
@role_required(Role.COORDINATOR)
def rounds(cycle_id: int) -> str | Response:
    other = week.asked_instead(cycle_id, request.args.get("cycle", type=as_id))
    if other is not None:
        return redirect(url_for("delivery.rounds", cycle_id=other.id))
    cycle = cycles.get_cycle(cycle_id)
    routes, unserved = planning.rounds_of(cycle_id)
    return render_template(
        "delivery/rounds.html", cycle=cycle, routes=routes, unserved=unserved,
        planning_form=_planning_form(), **jobs.job_page(cycle_id, "routing"),
        map_data=planning.map_data(routes, unserved, current_app.config.get("MAP_TILE_URL", "")),
        waiting_s=planning.waiting_s, deliveries=week.nearby(cycle),
    )


def _planning_form() -> PlanningForm:
    form = PlanningForm()
    if not form.is_submitted():
        limit = round(current_app.config.get("ROUTING_TIME_LIMIT_S", 60))
        form.time_limit_s.data = min((c for c, _label in form.time_limit_s.choices),
                                     key=lambda choice: abs(choice - limit))
    return form


@blueprint.route("/cycles/<int:cycle_id>/planifier", methods=["POST"])
@role_required(Role.COORDINATOR)
def run_planning(cycle_id: int) -> Response:
    form = PlanningForm()
    if form.validate_on_submit():
        cycles.get_cycle(cycle_id)
        limit = (form.time_limit_s.data if "time_limit_s" in request.form
                 else current_app.config.get("ROUTING_TIME_LIMIT_S", 60))
        jobs.start_job(cycle_id, "routing", PLAN_ROUTES, float(limit))
        flash(_("Planification des tournées lancée."), "success")
    elif form.time_limit_s.errors:
        flash(_("Choisissez une durée de calcul dans la liste."), "error")
    return redirect(url_for("delivery.rounds", cycle_id=cycle_id))


@blueprint.route("/cycles/<int:cycle_id>/tournees/<int:route_id>/feuille")
@role_required(Role.COORDINATOR)
def route_sheet(cycle_id: int, route_id: int) -> str:
    cycle = cycles.get_cycle(cycle_id)
    route = planning.route_of(cycle_id, route_id)
    return render_template("delivery/route_sheet.html", cycle=cycle, route=route,
                           hosts=planning.hosts_of([s.point_id for s in route.stops]),
                           waiting_s=planning.waiting_s,
                           canteen_week=week_fed_by(cycle.delivery_date))
