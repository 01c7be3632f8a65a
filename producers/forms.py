from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, FormField, HiddenField
from wtforms.validators import Optional, ValidationError

from paniers.fields import MAX_PRODUCT_ROWS, MoneyField, ProductRowsForm, QuantityField, RowList
from paniers.formids import as_id
from producers.services import SupplyLine


class SupplyLineForm(Form):
    """A product the farm may bring: blank (or zero) quantity when it brings none."""

    product_id = HiddenField()
    quantity = QuantityField(_l("Quantité"), validators=[Optional()])
    price = MoneyField(_l("Prix (€)"))  # blank is checked against the quantity below
    confirmed = BooleanField(_l("Confirmé hors saison"))

    def validate_price(self, field: Any) -> None:
        if self.quantity.data and field.data is None and not field.errors:
            raise ValidationError(_l("Indiquez le prix de ce que vous apportez."))


class SupplyForm(ProductRowsForm):
    rows_name = "lines"
    lines = RowList(FormField(SupplyLineForm), max_entries=MAX_PRODUCT_ROWS)

    def supply_lines(self) -> list[SupplyLine]:
        """The farm's offer, once the form is valid: the rows with a quantity."""
        return [SupplyLine(as_id(row.form.product_id.data), row.form.quantity.data,
                           row.form.price.data or 0, bool(row.form.confirmed.data))
                for row in self.lines if row.form.quantity.data]
