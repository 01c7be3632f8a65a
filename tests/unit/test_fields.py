"""Quantities and money as people type them into a form, and as the form shows them back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import Optional

from paniers import create_app
from paniers.fields import MoneyField, QuantityField

PO_FILE = Path(__file__).resolve().parents[2] / "paniers/translations/en/LC_MESSAGES/messages.po"


class LineForm(Form):
    quantity = QuantityField(validators=[Optional()])
    price = MoneyField(validators=[Optional()])


def posted(unit: str | None = "kg", **typed: str) -> LineForm:
    """A line as posted, its product's unit set, validated."""
    form = LineForm(formdata=MultiDict(typed))
    form.quantity.unit = unit
    form.validate()
    return form


def stored(unit: str, quantity: int | None = None, price_cents: int | None = None) -> LineForm:
    """A line filled from stored values, to be shown."""
    form = LineForm(data={"quantity": quantity, "price": price_cents})
    form.quantity.unit = unit
    return form


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English catalogue compiled as ``make install`` does, in a temporary folder."""
    folder = tmp_path_factory.mktemp("translations")
    target = folder / "en" / "LC_MESSAGES" / "messages.mo"
    target.parent.mkdir(parents=True)
    with open(PO_FILE, "rb") as po, open(target, "wb") as mo:
        write_mo(mo, read_po(po, locale="en"))
    return folder


@pytest.fixture()
def english(compiled: Path) -> Iterator[None]:
    """A request read in English."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "BABEL_TRANSLATION_DIRECTORIES": str(compiled)})
    with app.test_request_context("/"), force_locale("en"):
        yield


@pytest.mark.parametrize("text,unit,base", [
    ("2,5", "kg", 2500), ("2.5", "kg", 2500), ("1 200", "kg", 1_200_000),
    ("1\u202f200,5", "kg", 1_200_500), ("1,200.5", "kg", 1_200_500), (" 0,75 ", "litre", 750),
    ("3", "piece", 3), ("2", "bunch", 2), ("1", "dozen", 1), ("0", "kg", 0),
])
def test_a_quantity_in_sale_units_becomes_its_base_amount(text, unit, base):
    form = posted(unit, quantity=text)
    assert form.quantity.errors == [] and form.quantity.data == base


@pytest.mark.parametrize("text,unit,base", [
    ("2,5 kg", "kg", 2500), ("2.5kg", "kg", 2500), ("500 g", "kg", 500), ("1 kilo", "kg", 1000),
    ("0,75 l", "litre", 750), ("2 litres", "litre", 2000), ("25 cl", "litre", 250),
    ("3 pièces", "piece", 3), ("3 pieces", "piece", 3), ("2 bottes", "bunch", 2),
    ("1 douzaine", "dozen", 1), ("2 dozen", "dozen", 2), ("2,5 KG", "kg", 2500),
])
def test_a_quantity_may_be_typed_with_its_unit(text, unit, base):
    assert posted(unit, quantity=text).quantity.data == base


def test_a_blank_quantity_means_none_wanted():
    for text in ("", "   "):
        form = posted("kg", quantity=text)
        assert form.quantity.errors == [] and form.quantity.data is None


@pytest.mark.parametrize("text,unit,message", [
    ("abc", "kg", "Quantité illisible : tapez un nombre, par exemple 2,5."),
    ("2,5,0", "kg", "Quantité illisible : tapez un nombre, par exemple 2,5."),
    ("1-2", "kg", "Quantité illisible : tapez un nombre, par exemple 2,5."),
    ("kg", "kg", "Quantité illisible : tapez un nombre, par exemple 2,5."),
    ("-1", "kg", "La quantité ne peut pas être négative."),
    ("0,0005", "kg", "Trop de décimales : la quantité se compte au gramme près."),
    ("2,5 g", "kg", "Trop de décimales : la quantité se compte au gramme près."),
    ("0,0001", "litre", "Trop de décimales : la quantité se compte au millilitre près."),
    ("1,5", "dozen", "Nombre entier attendu : ce produit se vend à la douzaine."),
    ("2,5", "piece", "Nombre entier attendu : ce produit se vend à la pièce."),
    ("2 litres", "kg", "Unité inattendue : ce produit se compte en kg."),
    ("3 kg", "bunch", "Unité inattendue : ce produit se compte en bottes."),
])
def test_an_unreadable_quantity_is_refused_beside_the_field(text, unit, message):
    form = posted(unit, quantity=text)
    assert form.quantity.errors == [message]
    assert form.quantity.data is None
    assert form.quantity._value() == text  # shown back as typed, to be corrected


def test_a_quantity_typed_for_no_known_product_is_refused():
    form = posted(None, quantity="2")
    assert form.quantity.errors == ["Produit inconnu."] and form.quantity.data is None
    assert posted(None, quantity="").quantity.errors == []


def test_a_stored_quantity_is_shown_back_the_french_way():
    assert stored("kg", 90_500).quantity._value() == "90,5"
    assert stored("kg", 1_200_000).quantity._value() == "1200"
    assert stored("litre", 750).quantity._value() == "0,75"
    assert stored("dozen", 3).quantity._value() == "3"
    assert stored("kg").quantity._value() == ""
    assert 'value="2,5"' in stored("kg", 2500).quantity()


def test_a_posted_quantity_is_shown_back_the_french_way():
    assert posted("kg", quantity="2.5 kg").quantity._value() == "2,5"
    assert posted("kg", quantity="500 g").quantity._value() == "0,5"


@pytest.mark.parametrize("text,cents", [
    ("12,50", 1250), ("12.5", 1250), ("12", 1200), ("12 €", 1200), ("12,50 €", 1250),
    ("€12.50", 1250), ("1 200,00", 120_000), ("1,200.50", 120_050), ("0", 0),
    ("12 euros", 1200),
])
def test_money_typed_in_euros_becomes_cents(text, cents):
    form = posted(price=text)
    assert form.price.errors == [] and form.price.data == cents


@pytest.mark.parametrize("text,message", [
    ("abc", "Montant illisible : tapez un nombre d'euros, par exemple 12,50."),
    ("12 $", "Montant illisible : tapez un nombre d'euros, par exemple 12,50."),
    ("12,505", "Au plus deux décimales : un montant se compte en centimes."),
    ("-3", "Le montant ne peut pas être négatif."),
])
def test_unreadable_money_is_refused_beside_the_field(text, message):
    form = posted(price=text)
    assert form.price.errors == [message] and form.price.data is None
    assert form.price._value() == text


def test_money_is_shown_back_the_french_way():
    assert stored("kg", price_cents=1250).price._value() == "12,50"
    assert stored("kg", price_cents=1200).price._value() == "12,00"
    assert stored("kg", price_cents=120_050).price._value() == "1200,50"
    assert posted(price="12.5").price._value() == "12,50"
    assert posted(price="").price.data is None


def test_in_english_values_are_shown_with_a_point(english: Any):
    assert stored("kg", 90_500, 1250).quantity._value() == "90.5"
    assert stored("kg", 90_500, 1250).price._value() == "12.50"
    assert posted("kg", quantity="2,5").quantity._value() == "2.5"


def test_in_english_the_refusals_are_in_english(english: Any):
    assert posted("kg", quantity="abc").quantity.errors == [
        "Unreadable quantity: type a number, for example 2.5."]
    assert posted("dozen", quantity="1,5").quantity.errors == [
        "Whole number expected: this product is sold by the dozen."]
    assert posted(price="abc").price.errors == [
        "Unreadable amount: type a number of euros, for example 12.50."]
