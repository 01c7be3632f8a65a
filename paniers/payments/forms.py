"""Forms of the payment pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from paniers.fields import MoneyField
from paniers.payments.models import PickupMeans

# A week's solidarity budget pays part of a few hundred baskets: more than this is a typo.
MAX_SOLIDARITY_BUDGET_CENTS = 50_000 * 100


class FundForm(FlaskForm):
    budget = MoneyField(_l("Budget solidaire de la semaine (€)"), validators=[InputRequired()],
                        max_cents=MAX_SOLIDARITY_BUDGET_CENTS)
    household_pct = IntegerField(_l("Part payée par le foyer (%)"), default=30,
                                 validators=[InputRequired(), NumberRange(min=0, max=100)])


class PickupPaymentForm(FlaskForm):
    means = SelectField(_l("Moyen de paiement"), validators=[DataRequired()], choices=[
        (PickupMeans.CASH.value, _l("espèces")),
        (PickupMeans.CHEQUE.value, _l("chèque")),
        (PickupMeans.MENADEL.value, _l("Ménadel")),
    ])
