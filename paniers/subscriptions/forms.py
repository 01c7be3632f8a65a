from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FormField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from paniers.fields import MAX_PRODUCT_ROWS, ProductRowsForm, RowList
from paniers.formids import as_id
from paniers.orders.forms import ProductLineForm
from paniers.subscriptions.models import Frequency


class SubscriptionForm(ProductRowsForm):
    rows_name = "extras"
    format_code = RadioField(_l("Format du panier"), validators=[DataRequired()], choices=[
        ("small", _l("Petit panier")), ("medium", _l("Panier moyen")),
        ("large", _l("Grand panier")),
    ])
    frequency = RadioField(_l("Fréquence"), default=Frequency.WEEKLY.value,
                           validators=[DataRequired()], choices=[
        (Frequency.WEEKLY.value, _l("chaque semaine")),
        (Frequency.FORTNIGHTLY.value, _l("une semaine sur deux")),
    ])
    point = SelectField(_l("Point de retrait"), coerce=as_id, validators=[DataRequired()])
    extras = RowList(FormField(ProductLineForm), max_entries=MAX_PRODUCT_ROWS)


class PauseForm(FlaskForm):
    weeks = SelectMultipleField(_l("Semaines sans panier"), choices=[],
                                widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())
