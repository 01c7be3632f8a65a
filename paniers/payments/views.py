"""Payment pages: the household's confirmation and return pages, the Stripe webhook,
the host's payment at pickup, and the coordinator's payments, statements and
solidarity pages."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.background import BrokerUnavailable, enqueue
from paniers.cycles import week
from paniers.cycles.services import get_cycle
from paniers.extensions import csrf
from paniers.formatting import money
from paniers.formids import as_id
from paniers.payments import checkout, events, gateway, pickup, reports, services, solidarity
from paniers.payments.forms import FundForm, PickupPaymentForm
from paniers.payments.models import PaymentMethod
from paniers.redirects import safe_referrer
from paniers.reports.render import download

log = logging.getLogger(__name__)
blueprint = Blueprint("payments", __name__)
households = role_required(Role.HOUSEHOLD)
coordinator_only = role_required(Role.COORDINATOR)
# Stripe's events weigh a few kB; a larger body is refused before it is read.
WEBHOOK_MAX_BYTES = 256 * 1024


@blueprint.app_context_processor
def payment_helpers() -> dict[str, object]:
    return {"online_payment_enabled": services.online_enabled,
            "solidarity_fund_of": solidarity.fund_of,
            "pickup_means_labels": pickup.means_labels}


@blueprint.route("/paiement/commandes/<int:order_id>")
@households
def confirm(order_id: int) -> str:
    payment = checkout.own_payment(current_user, order_id)
    return render_template("payments/confirm.html", payment=payment, order=payment.order,
                           lines=checkout.checkout_lines(payment), action=FlaskForm())


@blueprint.route("/paiement/commandes/<int:order_id>/carte", methods=["POST"])
@households
def pay_by_card(order_id: int) -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    url = checkout.start_checkout(
        current_user, order_id,
        success_url=url_for("payments.back", order_id=order_id, _external=True)
        + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=url_for("payments.confirm", order_id=order_id, _external=True))
    return redirect(url, 303)


@blueprint.route("/paiement/commandes/<int:order_id>/au-retrait", methods=["POST"])
@households
def at_pickup_instead(order_id: int) -> Response:
    if FlaskForm().validate_on_submit():
        checkout.pay_at_pickup_instead(current_user, order_id)
        flash(_("Commande n° %(id)d enregistrée. Paiement au retrait.", id=order_id), "success")
    return redirect(url_for("orders.mine"))


@blueprint.route("/paiement/commandes/<int:order_id>/retour")
@households
def back(order_id: int) -> str:
    """Back from Stripe: the status as the webhook set it, never confirmed from here."""
    payment = checkout.own_payment(current_user, order_id)
    return render_template("payments/back.html", payment=payment, order=payment.order)


@blueprint.route("/paiement/stripe/webhook", methods=["POST"])
@csrf.exempt
def webhook() -> tuple[str, int]:
    """Verify, keep once, hand to a worker, answer at once."""
    if not gateway.enabled():
        return "payments disabled", 404
    # One byte more than the bound is read to tell a body cut at the bound (sent in
    # chunks, without a length) from one that fits.
    request.max_content_length = WEBHOOK_MAX_BYTES + 1
    try:
        payload = request.get_data(cache=False)
    except RequestEntityTooLarge:
        return "payload too large", 413
    if len(payload) > WEBHOOK_MAX_BYTES:
        return "payload too large", 413
    try:
        event = gateway.verify_event(payload, request.headers.get("Stripe-Signature"))
    except gateway.InvalidSignature as error:
        log.warning("webhook refused: %s", error)
        return "invalid signature", 400
    try:
        row_id = events.record(event)
    except events.MalformedEvent as error:
        log.warning("webhook refused: %s", error)
        return "unexpected event", 400
    if row_id is None:
        return "already received", 200
    try:
        enqueue(events.PROCESS_TASK, row_id)
    except BrokerUnavailable:
        log.warning("event %s kept; the sweep will process it", event["id"])
    return "ok", 200


@blueprint.route("/paiement/retrait/<int:order_id>", methods=["POST"])
@role_required(Role.RELAY_HOST, Role.COORDINATOR)
def record_at_pickup(order_id: int) -> Response:
    form = PickupPaymentForm()
    if form.validate_on_submit():
        payment = pickup.record_pickup_payment(current_user, order_id, form.means.data)
        flash(_("Paiement de %(amount)s enregistré (%(means)s).",
                amount=money(payment.charged_cents),
                means=pickup.means_labels()[payment.pickup_means]), "success")
    else:
        flash(_("Choisissez espèces, chèque ou Ménadel."), "error")
    return redirect(safe_referrer(url_for("points.evening")))


def _chosen_cycle() -> object:
    return week.chosen(request.args.get("cycle", type=as_id))


@blueprint.route("/coordination/paiements", methods=["GET", "POST"])
@coordinator_only
def overview() -> str | Response:
    cycle = _chosen_cycle()
    if cycle is None:
        return render_template("payments/overview.html", cycle=None, deliveries=[])
    fund = solidarity.fund_of(cycle.id)  # type: ignore[attr-defined]
    form = FundForm(data={"budget": fund.budget_cents if fund else 0,
                          "household_pct": fund.household_pct if fund else
                          solidarity.DEFAULT_HOUSEHOLD_PCT} if request.method == "GET" else None)
    if form.validate_on_submit():
        solidarity.set_fund(cycle.id, form.budget.data or 0, form.household_pct.data)  # type: ignore[attr-defined,arg-type]
        flash(_("Budget solidaire enregistré."), "success")
        return redirect(url_for("payments.overview", cycle=cycle.id))  # type: ignore[attr-defined]
    report = reports.reconcile(cycle.id)  # type: ignore[attr-defined]
    return render_template("payments/overview.html", cycle=cycle,
                           deliveries=week.nearby(cycle), form=form,  # type: ignore[arg-type]
                           report=report, unpaid=pickup.unpaid_by_point(cycle.id),  # type: ignore[attr-defined]
                           fund=solidarity.fund_of(cycle.id), methods=PaymentMethod)  # type: ignore[attr-defined]


@blueprint.route("/coordination/paiements/<int:cycle_id>.csv")
@coordinator_only
def overview_csv(cycle_id: int) -> Response:
    get_cycle(cycle_id)
    table = reports.reconciliation_table(reports.reconcile(cycle_id))
    return download(table, f"paiements-cycle-{cycle_id}", request.args.get("format", "csv"))


@blueprint.route("/coordination/paiements/<int:cycle_id>/fermes")
@coordinator_only
def statements(cycle_id: int) -> str:
    cycle = get_cycle(cycle_id)
    farms, provisional = reports.cycle_statements(cycle_id)
    return render_template("payments/statements.html", cycle=cycle, statements=farms,
                           provisional=provisional)


@blueprint.route("/coordination/paiements/<int:cycle_id>/fermes.csv")
@coordinator_only
def statements_csv(cycle_id: int) -> Response:
    get_cycle(cycle_id)
    farms, provisional = reports.cycle_statements(cycle_id)
    return download(reports.statements_table(farms, provisional), f"fermes-cycle-{cycle_id}",
                    request.args.get("format", "csv"))


@blueprint.route("/coordination/solidaire", methods=["GET", "POST"])
@coordinator_only
def eligibility() -> str | Response:
    form = FlaskForm()
    if form.validate_on_submit():
        user_id = request.form.get("user_id", type=as_id) or 0
        eligible = request.form.get("eligible") == "1"
        user = solidarity.set_eligible(user_id, eligible)
        flash(_("%(name)s : panier solidaire activé.", name=user.name) if eligible else
              _("%(name)s : panier solidaire retiré.", name=user.name), "success")
        return redirect(url_for("payments.eligibility"))
    return render_template("payments/eligibility.html", households=solidarity.households(),
                           action=form)
