from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, StringField
from wtforms.validators import Optional


class SupplyLineForm(Form):
    product_id = HiddenField()
    quantity = StringField(_l("Quantité"), validators=[Optional()])
    price = StringField(_l("Prix (€)"), validators=[Optional()])
    confirmed = BooleanField(_l("Confirmé hors saison"))


class SupplyForm(FlaskForm):
    lines = FieldList(FormField(SupplyLineForm))
