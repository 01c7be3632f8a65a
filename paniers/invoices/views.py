"""Invoices: the coordinators' list (issue a month's canteen invoices, credit notes), a
canteen's own invoices, a household's invoice of its order; each as a page and a PDF."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.errors import ServiceError
from paniers.invoices import documents, services
from paniers.invoices.forms import CreditNoteForm, MonthForm
from paniers.types import utcnow

blueprint = Blueprint("invoices", __name__)
blueprint.add_app_template_filter(documents.fr_money, "fr_money")
blueprint.add_app_template_filter(documents.fr_date, "fr_date")
blueprint.add_app_template_filter(documents.fr_quantity, "fr_quantity")
blueprint.add_app_template_filter(documents.fr_per_unit, "fr_per_unit")

READERS = (Role.COORDINATOR, Role.CANTEEN_MANAGER, Role.HOUSEHOLD)


@blueprint.route("/coordination/factures/")
@role_required(Role.COORDINATOR)
def index() -> str:
    form = MonthForm(month=utcnow().strftime("%Y-%m"))
    return render_template("invoices/index.html", invoices=services.all_invoices(), form=form)


@blueprint.route("/coordination/factures/cantines", methods=["POST"])
@role_required(Role.COORDINATOR)
def issue_canteen_month() -> Response | tuple[str, int]:
    form = MonthForm()
    if not form.validate_on_submit():
        return render_template("invoices/index.html", invoices=services.all_invoices(),
                               form=form), 400
    try:
        outcome = services.canteen_month_invoices(*form.year_month())
    except ServiceError as error:
        form.month.errors = [str(error)]
        return render_template("invoices/index.html", invoices=services.all_invoices(),
                               form=form), 400
    if outcome.issued:
        flash(ngettext("%(num)d facture de cantine émise.",
                       "%(num)d factures de cantine émises.", len(outcome.issued)), "success")
    if outcome.already:
        flash(_("Déjà facturé ce mois-ci : %(names)s.", names=", ".join(outcome.already)),
              "success")
    if outcome.no_siret:
        flash(_("Sans SIRET, pas de facture : %(names)s. Renseignez leur SIRET puis "
                "recommencez.", names=", ".join(outcome.no_siret)), "error")
    return redirect(url_for("invoices.index"))


@blueprint.route("/factures/<int:invoice_id>")
@role_required(*READERS)
def show(invoice_id: int) -> str:
    invoice = services.readable(current_user, invoice_id)
    credit = CreditNoteForm() if current_user.role == Role.COORDINATOR else None
    return render_template("invoices/show.html", invoice=invoice, doc=invoice.content,
                           credit=credit, credited=services.credited_cents(invoice))


@blueprint.route("/factures/<int:invoice_id>/pdf")
@role_required(*READERS)
def pdf(invoice_id: int) -> Response:
    invoice = services.readable(current_user, invoice_id)
    body = documents.printable_pdf(invoice)
    name = f"{invoice.number}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@blueprint.route("/coordination/factures/<int:invoice_id>/avoir", methods=["POST"])
@role_required(Role.COORDINATOR)
def credit_note(invoice_id: int) -> Response | tuple[str, int]:
    form = CreditNoteForm()
    invoice = services.readable(current_user, invoice_id)
    if form.validate_on_submit():
        try:
            note = services.credit_note(invoice.id, form.reason.data or "", form.amount.data)
        except ServiceError as error:
            form.amount.errors = [*form.amount.errors, str(error)]
        else:
            flash(_("Avoir n° %(number)s émis.", number=note.number), "success")
            return redirect(url_for("invoices.show", invoice_id=note.id))
    return render_template("invoices/show.html", invoice=invoice, doc=invoice.content,
                           credit=form, credited=services.credited_cents(invoice)), 400


@blueprint.route("/cantine/factures")
@role_required(Role.CANTEEN_MANAGER)
def canteen() -> str:
    return render_template("invoices/canteen.html",
                           invoices=services.canteen_invoices(current_user.canteen_id))


@blueprint.route("/mes-commandes/<int:order_id>/facture", methods=["POST"])
@role_required(Role.HOUSEHOLD)
def order_invoice(order_id: int) -> Response:
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("orders.mine"))
    invoice = services.household_invoice(current_user, order_id)
    return redirect(url_for("invoices.show", invoice_id=invoice.id))
