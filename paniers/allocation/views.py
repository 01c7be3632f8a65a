"""The coordinator's allocation of a closed week: basket contents, the split between farms,
shortages, publication; and the packing lists of the points."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Response,
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
from werkzeug.wrappers import Response as BaseResponse

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.allocation import outcome, packing
from paniers.allocation import services as allocating
from paniers.cycles import services
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.jobs import services as jobs
from paniers.money import to_base_amount
from paniers.points.services import hosted_point
from producers.models import Product

blueprint = Blueprint("allocation", __name__, url_prefix="/coordination/cycles/<int:cycle_id>")
coordinator_only = role_required(Role.COORDINATOR)
ALLOCATE = "paniers.allocation.tasks.allocate"


@blueprint.route("/repartition")
@coordinator_only
def allocation(cycle_id: int) -> str:
    cycle = services.get_cycle(cycle_id)
    farms, gap = outcome.farm_weeks(cycle_id)
    products = db.session.query(Product).order_by(Product.name).all()
    return render_template(
        "allocation/allocation.html", cycle=cycle, action=FlaskForm(),
        contents=outcome.contents(cycle_id), farms=farms, gap=gap, products=products,
        shortages=outcome.shortages(cycle_id), status_label=services.status_label,
        **jobs.job_page(cycle_id, "allocation"),
    )


@blueprint.route("/repartir", methods=["POST"])
@coordinator_only
def run_allocation(cycle_id: int) -> BaseResponse:
    if FlaskForm().validate_on_submit():
        services.get_cycle(cycle_id)
        jobs.start_job(cycle_id, "allocation", ALLOCATE)
        flash(_("Répartition lancée : la page se met à jour toute seule."), "success")
    return redirect(url_for("allocation.allocation", cycle_id=cycle_id))


@blueprint.route("/publier", methods=["POST"])
@coordinator_only
def publish(cycle_id: int) -> BaseResponse:
    if FlaskForm().validate_on_submit():
        short = allocating.publish_allocation(cycle_id)
        flash(ngettext(
            "Répartition publiée : %(num)d foyer prévenu d'un manquant et remboursé.",
            "Répartition publiée : %(num)d foyers prévenus d'un manquant et remboursés.",
            len(short)), "success")
    return redirect(url_for("allocation.allocation", cycle_id=cycle_id))


@blueprint.route("/formats/<int:format_id>/composition", methods=["POST"])
@coordinator_only
def set_composition(cycle_id: int, format_id: int) -> BaseResponse:
    if not FlaskForm().validate_on_submit():
        raise ServiceError(_("Le formulaire a expiré, réessayez."))
    if request.form.get("release"):
        allocating.release_composition(cycle_id, format_id)
        flash(_("La composition sera recalculée à la prochaine répartition."), "success")
        return redirect(url_for("allocation.allocation", cycle_id=cycle_id))
    products = {p.id: p for p in db.session.query(Product)}
    wanted = dict(request.form)
    added = wanted.get("add-product", "")
    if added.isdigit() and wanted.get("add-qty", "").strip():
        wanted[f"qty-{added}"] = wanted["add-qty"]
    items = []
    for key, text in wanted.items():
        if key.startswith("qty-") and text.strip():
            product = products.get(int(key[4:]) if key[4:].isdigit() else 0)
            if product is None:
                raise ServiceError(_("Produit inconnu."))
            try:
                items.append((product.id, to_base_amount(text, product.unit)))
            except ValueError:
                raise ServiceError(_("%(product)s : quantité illisible « %(text)s ».",
                                     product=product.name, text=text)) from None
    allocating.set_composition(cycle_id, format_id, items)
    flash(_("Composition fixée à la main : relancez la répartition pour l'appliquer."), "success")
    return redirect(url_for("allocation.allocation", cycle_id=cycle_id))


@blueprint.route("/colisage/<int:point_id>")
@role_required(Role.COORDINATOR, Role.RELAY_HOST)
def packing_list(cycle_id: int, point_id: int) -> str | Response:
    cycle = services.get_cycle(cycle_id)
    point = hosted_point(current_user, point_id)
    rows = packing.packing_rows(cycle_id, point.id)
    if request.args.get("format") == "csv":
        return _csv(f"colisage-{point.code}-{cycle.delivery_date.isoformat()}.csv",
                    packing.CSV_HEADER, [row.as_csv() for row in rows])
    return render_template("allocation/packing.html", cycle=cycle, point=point, rows=rows)


def _csv(filename: str, header: list[str], rows: list[list[object]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    # A byte order mark so that spreadsheet programs read the accents right.
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
