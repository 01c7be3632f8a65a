"""The household's subscription: subscribe, change, pause weeks, stop."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.formids import as_id
from paniers.orders.catalogue import orderable_points
from paniers.subscriptions import services
from paniers.subscriptions.forms import PauseForm, SubscriptionForm
from paniers.subscriptions.models import Subscription
from producers.models import Product

blueprint = Blueprint("subscriptions", __name__, url_prefix="/abonnement")


def _products() -> list[Product]:
    return list(db.session.scalars(select(Product).where(Product.active.is_(True))
                                   .order_by(Product.category, Product.name)))


def _form(subscription: Subscription | None, products: list[Product]) -> SubscriptionForm:
    form = SubscriptionForm()
    form.point.choices = [(p.id, f"{p.town} — {p.name}") for p in orderable_points()]
    if not form.is_submitted():
        quantities = {e.product_id: e.quantity for e in subscription.extras} if subscription else {}
        form.point.data = subscription.point_id if subscription else current_user.point_id
        if subscription:
            form.format_code.data = subscription.format_code
            form.frequency.data = subscription.frequency
        for product in products:
            form.extras.append_entry({"product_id": product.id,
                                      "quantity": quantities.get(product.id)})
    form.bind_units({product.id: product.unit for product in products})
    return form


def _plan(form: SubscriptionForm) -> services.Plan:
    return services.Plan(point_id=form.point.data or 0, format_code=form.format_code.data or "",
                         frequency=form.frequency.data or "", extras=form.quantities())


def _pause_form(subscription: Subscription | None) -> PauseForm:
    form = PauseForm()
    weeks = services.coming_weeks()
    form.weeks.choices = [(week.isoformat(), week.isoformat()) for week, _c in weeks]
    if subscription and not form.is_submitted():
        form.weeks.data = [p.week.isoformat() for p in subscription.pauses]
    return form


@blueprint.route("/", methods=["GET", "POST"])
@role_required(Role.HOUSEHOLD)
def page() -> str | Response:
    subscription = services.active_subscription(current_user)
    products = _products()
    form = _form(subscription, products)
    if form.validate_on_submit():
        try:
            plan = _plan(form)
            if subscription is None:
                services.subscribe(current_user, plan)
                flash(_("Abonnement enregistré : votre premier panier sera commandé à "
                        "l'ouverture du prochain cycle."), "success")
            else:
                services.change_subscription(current_user, subscription.id, plan)
                flash(_("Abonnement modifié : les changements s'appliquent à partir du "
                        "prochain cycle."), "success")
        except ServiceError as error:
            flash(str(error), "error")
        else:
            return redirect(url_for("subscriptions.page"))
    by_id = {p.id: p for p in products}
    return render_template(
        "subscriptions/page.html", form=form, subscription=subscription,
        # Rows whose hidden id was tampered with are not shown again.
        extra_rows=[(e, by_id[as_id(e.form.product_id.data)]) for e in form.extras
                    if as_id(e.form.product_id.data) in by_id],
        pauses=_pause_form(subscription), weeks=services.coming_weeks(),
        runs=services.runs_of(subscription) if subscription else [], action=FlaskForm(),
    )


@blueprint.route("/pauses", methods=["POST"])
@role_required(Role.HOUSEHOLD)
def pauses() -> Response:
    subscription = services.active_subscription(current_user)
    form = _pause_form(subscription)
    if subscription is not None and form.validate_on_submit():
        weeks = [date.fromisoformat(value) for value in form.weeks.data or []]
        services.set_pauses(current_user, subscription.id, weeks)
        flash(_("Semaines de pause enregistrées."), "success")
    else:
        flash(_("Choisissez des semaines de la liste."), "error")
    return redirect(url_for("subscriptions.page"))


@blueprint.route("/arret", methods=["POST"])
@role_required(Role.HOUSEHOLD)
def stop() -> Response:
    subscription = services.active_subscription(current_user)
    if subscription is not None and FlaskForm().validate_on_submit():
        services.stop_subscription(current_user, subscription.id)
        flash(_("Abonnement arrêté. Les commandes déjà passées restent à retirer ou à "
                "annuler dans Mes commandes."), "success")
    return redirect(url_for("subscriptions.page"))
