"""Reports: the coordinators' list and each report on screen, as CSV or as a spreadsheet;
a farmer's own sales."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal
from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.reports import catalogue, render
from paniers.reports.forms import PeriodForm
from paniers.reports.framework import Report
from paniers.reports.tables import table_of

blueprint = Blueprint("reports", __name__)


@blueprint.app_template_filter("report_number")
def report_number(value: Any) -> str:
    """A quantity as people write it: ``2,5`` in French, up to three decimals."""
    return format_decimal(value, locale=str(get_locale()))


def _show(report: Report[Any], template: str, **context: Any) -> Any:
    form = PeriodForm(request.args)
    valid = form.validate()
    period = form.period() if valid else None
    table = None
    if report.rows is not None and (period or not report.dated):
        table = table_of(report, report.rows(period))
    fmt = form.chosen_format()
    if table is not None and fmt != "html":
        suffix = f"-{period.start.isoformat()}-{period.end.isoformat()}" \
            if period and report.dated else ""
        return render.download(table, f"{report.slug}{suffix}", fmt)
    status = 200 if valid else 400
    return render_template(template, report=report, form=form, table=table,
                           period=period, **context), status


@blueprint.route("/coordination/rapports")
@role_required(Role.COORDINATOR)
def index() -> str:
    form = PeriodForm(request.args)
    form.validate()
    return render_template("reports/index.html", reports=catalogue.REPORTS.values(), form=form)


@blueprint.route("/coordination/rapports/<report>")
@role_required(Role.COORDINATOR)
def show(report: str) -> Any:
    found = catalogue.REPORTS.get(report)
    if found is None:
        abort(404)
    return _show(found, "reports/show.html", back="reports.index")


@blueprint.route("/producteur/ventes")
@role_required(Role.FARMER)
def farm_sales() -> Any:
    if current_user.farm_id is None:
        abort(403)
    return _show(catalogue.farm_sales(current_user.farm_id), "reports/show.html", back=None)
