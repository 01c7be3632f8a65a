from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from paniers.cleantext import CleanForm
from paniers.fields import MoneyField

MONTH = re.compile(r"^(?P<year>20\d\d)-(?P<month>0[1-9]|1[0-2])$")


class MonthForm(CleanForm):
    """The month whose canteen deliveries are invoiced (``2026-11``)."""

    month = StringField(_l("Mois (AAAA-MM)"), validators=[DataRequired(), Length(max=7)])

    def validate_month(self, field: Any) -> None:
        if not MONTH.match(field.data or ""):
            raise ValidationError(_l("Indiquez un mois sous la forme 2026-11."))

    def year_month(self) -> tuple[int, int]:
        found = MONTH.match(self.month.data or "")
        assert found is not None  # validated
        return int(found["year"]), int(found["month"])


class CreditNoteForm(CleanForm):
    reason = StringField(_l("Motif de l'avoir"), validators=[
        DataRequired(_l("Dites pourquoi cet avoir (erreur de prix, produit manquant...).")),
        Length(max=200)])
    amount = MoneyField(_l("Montant (vide : toute la facture)"), validators=[Optional()])
