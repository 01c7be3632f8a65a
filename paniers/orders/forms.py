from __future__ import annotations

from typing import Any

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Form, FormField, HiddenField, IntegerField, SelectField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, NumberRange, Optional

from paniers.fields import (
    MAX_FORMAT_ROWS,
    MAX_PRODUCT_ROWS,
    ProductRowsForm,
    QuantityField,
    RowList,
)
from paniers.formids import as_id
from paniers.orders.services import Cart

_WTFORMS_MESSAGES: dict[str, support.Translations] = {}


class MessagesReadOnce:
    """WTForms' own messages (« Choix non valide. ») in the request's language, read from
    their catalogue once per language and process: Flask-WTF reads the file again on
    every request that checks a form (a third of a millisecond of an order)."""

    def get_translations(self, form: Any) -> Any:
        locale = get_locale()
        if locale is None or not current_app.config.get("WTF_I18N_ENABLED", True):
            return super().get_translations(form)  # type: ignore[misc]
        key = str(locale)
        if key not in _WTFORMS_MESSAGES:
            _WTFORMS_MESSAGES[key] = support.Translations.load(
                messages_path(), [locale], domain="wtforms")
        return _WTFORMS_MESSAGES[key]


class BasketLineForm(Form):
    format_id = HiddenField()
    count = IntegerField(_l("Nombre"), default=0,
                         validators=[Optional(), NumberRange(min=0, max=10)])


class ProductLineForm(Form):
    """A product of the catalogue: its quantity in its sale unit, blank when not wanted."""

    product_id = HiddenField()
    quantity = QuantityField(_l("Quantité"), validators=[Optional()])


class OrderForm(ProductRowsForm):
    class Meta(MessagesReadOnce):
        pass

    point = SelectField(_l("Point de retrait"), coerce=as_id, validators=[DataRequired()])
    baskets = RowList(FormField(BasketLineForm), max_entries=MAX_FORMAT_ROWS)
    products = RowList(FormField(ProductLineForm), max_entries=MAX_PRODUCT_ROWS)

    def cart(self) -> Cart:
        """What the household asks for, once the form is valid."""
        return Cart(baskets={as_id(e.form.format_id.data): e.form.count.data or 0
                             for e in self.baskets},
                    products=self.quantities())


class CanteenOrderForm(ProductRowsForm):
    products = RowList(FormField(ProductLineForm), max_entries=MAX_PRODUCT_ROWS)

    def cart(self) -> Cart:
        """What the canteen asks for (produce only), once the form is valid."""
        return Cart(baskets={}, products=self.quantities())
