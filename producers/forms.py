from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, FormField, HiddenField
from wtforms.validators import Optional

from paniers.fields import MAX_PRODUCT_ROWS, MoneyField, ProductRowsForm, QuantityField, RowList
from paniers.formids import as_id
from producers.models import Product
from producers.services import SupplyLine, line_problems


class SupplyLineForm(Form):
    """A product the farm may bring: blank (or zero) quantity when it brings none."""

    product_id = HiddenField()
    quantity = QuantityField(_l("Quantité"), validators=[Optional()])
    price = MoneyField(_l("Prix (€)"))  # blank: the product's reference price
    confirmed = BooleanField(_l("Confirmé hors saison"))


class SupplyForm(ProductRowsForm):
    rows_name = "lines"
    lines = RowList(FormField(SupplyLineForm), max_entries=MAX_PRODUCT_ROWS)

    def supply_lines(self, reference_prices: Mapping[int, int]) -> list[SupplyLine]:
        """The farm's offer, once the form is valid: the rows with a quantity, a blank
        price standing for the product's reference price."""
        lines = []
        for row in self.lines:
            if row.form.quantity.data:
                product_id = as_id(row.form.product_id.data)
                price = row.form.price.data
                lines.append(SupplyLine(
                    product_id, row.form.quantity.data,
                    reference_prices.get(product_id, 0) if price is None else price,
                    bool(row.form.confirmed.data)))
        return lines

    def check_lines(self, products: Mapping[int, Product], month: int) -> bool:
        """Every row's problems next to its fields, all at once; True when there is none."""
        prices = {product_id: p.reference_price_cents for product_id, p in products.items()}
        lines = {line.product_id: line for line in self.supply_lines(prices)}
        clean = True
        for row in self.lines:
            line = lines.get(as_id(row.form.product_id.data))
            if line is None or line.product_id not in products:
                continue
            for name, problem in line_problems(line, products[line.product_id], month).items():
                row.form[name].errors = [*row.form[name].errors, problem]
                clean = False
        return clean
