"""The farmer's pages: this week's offer."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.allocation.outcome import what_to_bring
from paniers.collation import sort_key
from paniers.cycles import week as deliveries
from paniers.cycles.services import cycle_for_supply
from paniers.cycles.states import CycleStatus
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.formids import as_id
from producers import services
from producers.forms import SupplyForm
from producers.models import Product

blueprint = Blueprint("producers", __name__, url_prefix="/producteur")


@blueprint.route("/offre", methods=["GET", "POST"])
@role_required(Role.FARMER)
def supply() -> str | Response:
    cycle = cycle_for_supply()
    farm = services.farm_of(current_user)
    products = {p.id: p for p in sorted(db.session.scalars(select(Product).where(
                                            Product.active.is_(True))),
                                        key=lambda p: sort_key(p.name))}
    form = SupplyForm()
    carried_from = None
    if cycle is not None and not form.is_submitted():
        offers = services.offers_of(cycle.id, farm.id)
        if not offers:  # this week starts from the last one: prices kept, quantities to check
            carried_from, offers = services.previous_offer(cycle, farm.id)
        for product in products.values():
            offer = offers.get(product.id)
            form.lines.append_entry({
                "product_id": product.id,
                "quantity": offer.quantity if offer else None,
                "price": offer.price_cents if offer else None,
                "confirmed": offer.out_of_season_confirmed if offer else False,
            })
    form.bind_units({product.id: product.unit for product in products.values()})
    month = cycle.delivery_date.month if cycle else 1
    if (cycle is not None and form.validate_on_submit()
            and form.check_lines(products, month)):
        prices = {product.id: product.reference_price_cents for product in products.values()}
        try:
            services.declare_supply(current_user, cycle.id, form.supply_lines(prices))
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash(_("Votre offre est enregistrée. Vous pouvez la corriger jusqu'à la date limite."),
                  "success")
            return redirect(url_for("producers.supply"))
    rows = [(entry, products[as_id(entry.form.product_id.data)]) for entry in form.lines
            if as_id(entry.form.product_id.data) in products]
    return render_template("producers/supply.html", form=form, rows=rows, cycle=cycle,
                           farm=farm, month=month, carried_from=carried_from)


@blueprint.route("/semaine")
@role_required(Role.FARMER)
def week() -> str:
    """What the farm brings to the hub for the allocated week, and its revenue."""
    farm = services.farm_of(current_user)
    cycle = deliveries.chosen(request.args.get("cycle", type=as_id))
    allocated = cycle is not None and cycle.status not in (
        CycleStatus.DRAFT, CycleStatus.OPEN, CycleStatus.CLOSED)
    lines = what_to_bring(cycle.id, farm.id) if allocated and cycle else []
    return render_template("producers/week.html", farm=farm, cycle=cycle, allocated=allocated,
                           lines=lines, revenue=sum(line.value_cents for line in lines),
                           deliveries=deliveries.nearby(cycle))
