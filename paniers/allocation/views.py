"""The coordinator's allocation of a closed week: basket contents, the split between farms,
shortages, publication; and the packing lists of the points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import FormField, HiddenField

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.allocation import diagnoses, outcome, packing
from paniers.allocation import services as allocating
from paniers.allocation.forms import CompositionForm, composition_prefix
from paniers.allocation.models import BasketItem
from paniers.cycles import services, week
from paniers.cycles.states import CycleStatus
from paniers.extensions import db
from paniers.formids import as_id
from paniers.jobs import services as jobs
from paniers.points.services import hosted_point
from paniers.reports.render import download
from paniers.reports.tables import table_of
from paniers.types import utcnow
from producers.models import Product

blueprint = Blueprint("allocation", __name__, url_prefix="/coordination/cycles/<int:cycle_id>")
coordinator_only = role_required(Role.COORDINATOR)
ALLOCATE = "paniers.allocation.tasks.allocate"
HAND_OVER = timedelta(minutes=2)  # a worker that takes longer is late: the button comes back


@dataclass(frozen=True)
class CompositionRow:
    row: FormField  # the row's hidden product id and quantity per basket
    product: Product
    item: BasketItem | None  # what the format holds of it now, if anything


@blueprint.route("/repartition")
@coordinator_only
def allocation(cycle_id: int) -> str:
    return _allocation_page(cycle_id)


def _allocation_page(cycle_id: int, posted: CompositionForm | None = None,
                     posted_format_id: int = 0, confirm: bool = False) -> str:
    """The allocation page, with each format's composition form (or the one just posted,
    shown again with what was typed and why it was refused); with ``confirm``, the second
    step of publishing, saying what it will do."""
    cycle = services.get_cycle(cycle_id)
    farms, gap = outcome.farm_weeks(cycle_id)
    products = _products()
    contents = outcome.contents(cycle_id)
    job = jobs.job_page(cycle_id, "allocation")
    # Closing hands the allocation to the workers, which record its job a moment later:
    # meanwhile the page already says it runs, rather than offer to start it.
    starting = (job["job"] is None and cycle.status == CycleStatus.CLOSED
                and cycle.closed_dt is not None and utcnow() - cycle.closed_dt < HAND_OVER)
    return render_template(
        "allocation/allocation.html", cycle=cycle, action=FlaskForm(),
        contents=contents, farms=farms, gap=gap, shortages=outcome.shortages(cycle_id),
        compositions={entry.basket_format.id: _composition(
            entry, products, posted if entry.basket_format.id == posted_format_id else None)
            for entry in contents},
        status_label=services.status_label, job=job["job"],
        running=job["running"] or starting, starting=starting,
        confirm=confirm, effect=outcome.publication_effect(cycle_id) if confirm else None,
        say_diagnosis=diagnoses.say,
    )


def _products() -> list[Product]:
    return list(db.session.scalars(select(Product).order_by(Product.name)))


def _composition(entry: outcome.FormatContents, products: list[Product],
                 posted: CompositionForm | None) -> tuple[CompositionForm, list[CompositionRow]]:
    """A format's form, filled with its contents unless posted; and its rows to show."""
    form = posted
    if form is None:
        form = CompositionForm(
            formdata=None, prefix=composition_prefix(entry.basket_format.id),
            data={"items": [{"product_id": i.product_id, "quantity": i.quantity}
                            for i in entry.items]})
        form.bind_products(products)
    by_id = {p.id: p for p in products}
    items = {i.product_id: i for i in entry.items}
    # Rows whose hidden id was tampered with are not shown again.
    return form, [CompositionRow(row, by_id[pid], items.get(pid)) for row in form.items
                  if (pid := as_id(row.form.product_id.data)) in by_id]


@blueprint.route("/repartir", methods=["POST"])
@coordinator_only
def run_allocation(cycle_id: int) -> BaseResponse:
    if FlaskForm().validate_on_submit():
        services.get_cycle(cycle_id)
        jobs.start_job(cycle_id, "allocation", ALLOCATE)
        flash(_("Répartition lancée : la page se met à jour toute seule."), "success")
    return redirect(url_for("allocation.allocation", cycle_id=cycle_id))


class PublishForm(FlaskForm):
    confirmed = HiddenField()


@blueprint.route("/publier", methods=["POST"])
@coordinator_only
def publish(cycle_id: int) -> str | BaseResponse:
    form = PublishForm()
    if form.validate_on_submit():
        if form.confirmed.data != "1":
            return _allocation_page(cycle_id, confirm=True)
        short = allocating.publish_allocation(cycle_id)
        flash(ngettext(
            "Répartition publiée : %(num)d foyer prévenu d'un manquant et remboursé.",
            "Répartition publiée : %(num)d foyers prévenus d'un manquant et remboursés.",
            len(short)), "success")
    return redirect(url_for("allocation.allocation", cycle_id=cycle_id))


@blueprint.route("/formats/<int:format_id>/composition", methods=["POST"])
@coordinator_only
def set_composition(cycle_id: int, format_id: int) -> str | BaseResponse:
    form = CompositionForm(prefix=composition_prefix(format_id))
    form.bind_products(_products())
    if not form.validate():
        return _allocation_page(cycle_id, form, format_id)
    if form.release.data:
        allocating.release_composition(cycle_id, format_id)
        flash(_("La composition sera recalculée à la prochaine répartition."), "success")
    else:
        allocating.set_composition(cycle_id, format_id, form.contents())
        flash(_("Composition fixée à la main : relancez la répartition pour l'appliquer."),
              "success")
    return redirect(url_for("allocation.allocation", cycle_id=cycle_id))


@blueprint.route("/colisage/<int:point_id>")
@role_required(Role.COORDINATOR, Role.RELAY_HOST)
def packing_list(cycle_id: int, point_id: int) -> str | BaseResponse:
    point = hosted_point(current_user, point_id)
    other = week.asked_instead(cycle_id, request.args.get("cycle", type=as_id))
    if other is not None:
        return redirect(url_for("allocation.packing_list", cycle_id=other.id, point_id=point.id))
    cycle = services.get_cycle(cycle_id)
    rows = packing.packing_rows(cycle_id, point.id)
    if request.args.get("format") in ("csv", "xlsx"):
        return download(table_of(packing.PACKING_LIST, rows),
                        f"colisage-{point.code}-{cycle.delivery_date.isoformat()}",
                        request.args.get("format", "csv"))
    return render_template("allocation/packing.html", cycle=cycle, point=point, rows=rows,
                           deliveries=week.nearby(cycle))
