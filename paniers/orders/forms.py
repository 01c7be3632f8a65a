from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional


class BasketLineForm(Form):
    format_id = HiddenField()
    count = IntegerField(_l("Nombre"), default=0,
                         validators=[Optional(), NumberRange(min=0, max=10)])


class ProductLineForm(Form):
    product_id = HiddenField()
    quantity = StringField(_l("Quantité"), validators=[Optional()])


class OrderForm(FlaskForm):
    point = SelectField(_l("Point de retrait"), coerce=int, validators=[DataRequired()])
    baskets = FieldList(FormField(BasketLineForm))
    products = FieldList(FormField(ProductLineForm))


class CanteenOrderForm(FlaskForm):
    products = FieldList(FormField(ProductLineForm))
