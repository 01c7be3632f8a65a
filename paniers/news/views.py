"""The coordinator writes the week's news sheet ("feuille de chou")."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.cycles.models import OrderCycle
from paniers.extensions import db
from paniers.news import render, services
from paniers.news.forms import NewsSheetForm

blueprint = Blueprint("news", __name__)
blueprint.add_app_template_filter(render.to_html, "news_html")


@blueprint.route("/coordination/cycles/<int:cycle_id>/feuille-de-chou", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(cycle_id: int) -> str | Response | tuple[str, int]:
    cycle = db.session.get(OrderCycle, cycle_id)
    if cycle is None:
        abort(404)
    sheet = services.sheet_of(cycle_id)
    form = NewsSheetForm(obj=sheet)
    if form.is_submitted():
        if form.validate():
            services.write_sheet(current_user, cycle_id, form.title.data or "",
                                 form.body.data or "")
            flash(_("Feuille de chou enregistrée : elle part avec le rappel de retrait et "
                    "s'imprime avec la liste des points relais."), "success")
            return redirect(url_for("news.edit", cycle_id=cycle_id))
        return render_template("news/edit.html", cycle=cycle, form=form, sheet=sheet), 400
    return render_template("news/edit.html", cycle=cycle, form=form, sheet=sheet)
