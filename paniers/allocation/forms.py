"""The coordinator's form: a basket format's contents set by hand."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import Form, FormField, HiddenField, SelectField, SubmitField
from wtforms.validators import Optional

from paniers.fields import MAX_PRODUCT_ROWS, ProductRowsForm, QuantityField, RowList
from paniers.formids import as_id
from producers.models import Product

# A basket holds a few kilos of each product: more per basket is a typo (kg, litres,
# pieces, bunches or dozens).
MAX_UNITS_PER_BASKET = 20


class CompositionItemForm(Form):
    """A product in the basket: its quantity per basket, blank or zero to take it out."""

    product_id = HiddenField()
    quantity = QuantityField(_l("Quantité par panier"), validators=[Optional()],
                             max_units=MAX_UNITS_PER_BASKET)


class CompositionForm(ProductRowsForm):
    """One per format on the page, told apart by their prefix (``composition_prefix``)."""

    rows_name = "items"
    items = RowList(FormField(CompositionItemForm), max_entries=MAX_PRODUCT_ROWS)
    add_product = SelectField(_l("Produit"), coerce=as_id, default=0)
    add_quantity = QuantityField(_l("Quantité par panier"), validators=[Optional()],
                                 max_units=MAX_UNITS_PER_BASKET,
                                 no_unit_message=_l("Choisissez le produit à ajouter."))
    release = SubmitField(_l("Rendre au calcul automatique"))

    def bind_products(self, products: Iterable[Product]) -> None:
        """The products that may be added, and the unit of each row's quantity."""
        products = list(products)
        self.add_product.choices = [(0, "—")] + [(p.id, p.name) for p in products]
        units = {p.id: p.unit for p in products}
        self.bind_units(units)
        self.add_quantity.unit = units.get(self.add_product.data or 0)

    def contents(self) -> list[tuple[int, int]]:
        """(product id, base amount per basket) once valid; the quantity typed beside the
        product added wins over that of its row."""
        wanted = self.quantities()
        if self.add_product.data and self.add_quantity.data is not None:
            wanted[self.add_product.data] = self.add_quantity.data
        return list(wanted.items())


def composition_prefix(format_id: int) -> str:
    return f"format-{format_id}"
