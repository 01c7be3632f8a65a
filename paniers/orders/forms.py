from __future__ import annotations

from typing import Any

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, IntegerField, SelectField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, NumberRange, Optional

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
    product_id = HiddenField()
    quantity = StringField(_l("Quantité"), validators=[Optional()])


class OrderForm(FlaskForm):
    class Meta(MessagesReadOnce):
        pass

    point = SelectField(_l("Point de retrait"), coerce=int, validators=[DataRequired()])
    baskets = FieldList(FormField(BasketLineForm))
    products = FieldList(FormField(ProductLineForm))


class CanteenOrderForm(FlaskForm):
    products = FieldList(FormField(ProductLineForm))
