"""Forms of the payment pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from paniers.payments.models import PickupMeans


class FundForm(FlaskForm):
    budget = StringField(_l("Budget solidaire de la semaine (€)"), validators=[DataRequired()])
    household_pct = IntegerField(_l("Part payée par le foyer (%)"), default=30,
                                 validators=[InputRequired(), NumberRange(min=0, max=100)])


class PickupPaymentForm(FlaskForm):
    means = SelectField(_l("Moyen de paiement"), validators=[DataRequired()], choices=[
        (PickupMeans.CASH.value, _l("espèces")),
        (PickupMeans.CHEQUE.value, _l("chèque")),
        (PickupMeans.MENADEL.value, _l("Ménadel")),
    ])
