"""The coordinators' journal page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.formatting import long_date
from paniers.journal import services

blueprint = Blueprint("journal", __name__, url_prefix="/coordination/journal")


class JournalFilters(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    person = SelectField(_l("Personne"), coerce=str, validators=[Optional()])
    kind = SelectField(_l("Type"), coerce=str, validators=[Optional()])
    week = SelectField(_l("Semaine"), coerce=str, validators=[Optional()])
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(min=1)])


@blueprint.route("/")
@role_required(Role.COORDINATOR)
def index() -> str:
    form = JournalFilters(request.args)
    everyone = [("", _l("Tout le monde"))]
    form.person.choices = everyone + [(str(i), name) for i, name in services.people()]
    form.kind.choices = [("", _l("Tout"))] + [(k.value, label)
                                              for k, label in services.KIND_LABELS.items()]
    form.week.choices = [("", _l("Toutes les semaines"))] + [
        (str(cycle.id), long_date(cycle.delivery_date)) for cycle in services.weeks()]
    filters = services.Filters()
    if form.validate():
        filters = services.Filters(
            actor_id=int(form.person.data) if form.person.data else None,
            kind=form.kind.data or None,
            cycle_id=int(form.week.data) if form.week.data else None,
        )
    page = 1 if form.errors else (form.page.data or 1)
    lines, pages = services.page_of(filters, page)
    return render_template("journal/index.html", form=form, lines=lines, pages=pages,
                           page=min(page, pages),
                           args={k: v for k, v in request.args.items() if k != "page"})
