"""The period chooser of the reports (a GET form: it changes nothing)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from paniers.reports.framework import Period

FORMATS = ("html", "csv", "xlsx")


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    du = DateField(_l("Du"), validators=[Optional()])
    au = DateField(_l("au"), validators=[Optional()])
    format = SelectField(_l("Format"), choices=[("html", _l("À l'écran")), ("csv", "CSV"),
                                                 ("xlsx", _l("Tableur (.xlsx)"))],
                         validators=[Optional()], validate_choice=False)

    def validate_au(self, field: Any) -> None:
        if self.du.data and field.data and field.data < self.du.data:
            raise ValidationError(_l("La fin de la période précède son début."))

    def period(self) -> Period:
        """The chosen period; the current calendar year when none is chosen."""
        today = date.today()
        return Period(self.du.data or date(today.year, 1, 1),
                      self.au.data or date(today.year, 12, 31))

    def chosen_format(self) -> str:
        return self.format.data if self.format.data in FORMATS else "html"
