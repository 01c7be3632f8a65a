"""The forms of the network's pages. Field names are the models' attribute names, so that
an edit form starts from the row (``obj=``) and the service receives plain values."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from paniers.cleantext import CleanForm
from paniers.fields import MoneyField, QuantityField
from paniers.formids import as_id
from paniers.network.admin.fields import (
    ClockField,
    DecimalTextField,
    HectaresField,
    MonthsField,
    WeekdaysField,
    WindowsField,
    inside_france,
)
from producers.units import Unit

REQUIRED = _l("Ce champ est obligatoire.")
PHONE = Length(max=30, message=_l("Au plus 30 caractères."))


def _required() -> DataRequired:
    return DataRequired(message=REQUIRED)


def _given() -> Any:
    """For numbers, where 0 is an answer: what was typed could be read, and was something."""

    def check(_form: Any, field: Any) -> None:
        if field.errors:
            raise StopValidation()  # the field says already why it could not read it
        if field.data is None:
            raise StopValidation(str(REQUIRED))

    return check


def _text(label: Any, size: int, *, required: bool = False) -> StringField:
    checks: list[Any] = [_required()] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=size, message=_l(
        "Au plus %(max)d caractères."))])


def _notes(label: Any, size: int) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=size, message=_l(
        "Au plus %(max)d caractères."))])


class NetworkForm(CleanForm):
    """A form whose fields carry the model's attribute names."""

    def values(self) -> dict[str, Any]:
        """What the model holds, field by field (text stripped, hectares as ares...)."""
        held: dict[str, Any] = {}
        for name, field in self._fields.items():
            if name == "csrf_token":
                continue
            value = getattr(field, "stored", field.data)
            held[name] = value.strip() if isinstance(value, str) else value
        return held


class PositionForm(NetworkForm):
    """A place: its town, address and position (typed, or picked on the map)."""

    town = _text(_l("Commune"), 80, required=True)
    address = _notes(_l("Adresse"), 300)
    lat = DecimalTextField(_l("Latitude"), validators=[_given()])
    lon = DecimalTextField(_l("Longitude"), validators=[_given()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.lat.data is not None and self.lon.data is not None and not inside_france(
                float(self.lat.data), float(self.lon.data)):
            self.lat.errors = [*self.lat.errors, _(
                "Cette position est hors de France métropolitaine : vérifiez la latitude "
                "et la longitude (par exemple 50,4560 et 2,7830 pour Loos-en-Gohelle).")]
            valid = False
        return valid


ORGANIC_CHOICES = [("AB", _l("AB : certifiée bio")), ("C1", _l("C1 : 1re année de conversion")),
                   ("C2", _l("C2 : 2e année de conversion")),
                   ("C3", _l("C3 : 3e année de conversion"))]


class FarmProfileForm(NetworkForm):
    """What a farmer keeps up to date themselves: address, contact, areas."""

    address = _notes(_l("Adresse"), 300)
    contact_name = _text(_l("Personne à contacter"), 120)
    contact_phone = StringField(_l("Téléphone"), validators=[Optional(), PHONE])
    contact_email = StringField(_l("E-mail de contact"), validators=[
        Optional(), Length(max=254), Email(message=_l("Adresse e-mail invalide."))])
    farmed_area_ares = HectaresField(_l("Surface cultivée (hectares)"), validators=[Optional()])
    organic_area_ares = HectaresField(_l("Dont bio ou en conversion (hectares)"),
                                      validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        farmed, organic = self.farmed_area_ares.data, self.organic_area_ares.data
        if farmed is not None and organic is not None and organic > farmed:
            self.organic_area_ares.errors = [*self.organic_area_ares.errors, _(
                "La surface bio ou en conversion ne peut dépasser la surface cultivée.")]
            valid = False
        return valid


class FarmForm(PositionForm, FarmProfileForm):
    name = _text(_l("Nom de la ferme"), 120, required=True)
    organic_status = SelectField(_l("Statut bio"), choices=ORGANIC_CHOICES)
    conversion_start_date = DateField(_l("Début de la conversion"), validators=[Optional()])
    drop_windows = WindowsField(_l("Dépôt à la plateforme (par exemple « jeudi 14:00-18:00 »)"))
    notes = _text(_l("Notes internes"), 255)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        start = self.conversion_start_date.data
        if self.organic_status.data != "AB" and start is None \
                and not self.conversion_start_date.errors:
            self.conversion_start_date.errors = [_(
                "Une ferme en conversion indique la date où la conversion a commencé.")]
            valid = False
        if start is not None and start > date.today():
            self.conversion_start_date.errors = [_("Cette date est dans le futur.")]
            valid = False
        return valid


CATEGORY_CHOICES = [("vegetable", _l("Légume")), ("fruit", _l("Fruit")),
                    ("dairy", _l("Produit laitier")), ("egg", _l("Œufs")),
                    ("bakery", _l("Boulangerie")), ("other", _l("Autre"))]
UNIT_CHOICES = [(Unit.KG.value, _l("au kilo")), (Unit.PIECE.value, _l("à la pièce")),
                (Unit.BUNCH.value, _l("à la botte")), (Unit.DOZEN.value, _l("à la douzaine")),
                (Unit.LITRE.value, _l("au litre"))]
ORIGIN_CHOICES = [("network", _l("Cultivé par les fermes du réseau")),
                  ("outside", _l("Acheté hors du réseau"))]


class ProductForm(NetworkForm):
    name = _text(_l("Nom du produit"), 80, required=True)
    category = SelectField(_l("Catégorie"), choices=CATEGORY_CHOICES)
    unit = SelectField(_l("Vendu"), choices=UNIT_CHOICES)
    unit_weight_g = IntegerField(_l("Poids d'une unité de vente (grammes)"), validators=[
        _given(), NumberRange(min=1, max=100_000, message=_l("Entre 1 et 100 000 grammes."))])
    months = MonthsField(_l("Mois de saison"),
                         validators=[DataRequired(message=_l("Cochez au moins un mois."))])
    reference_price_cents = MoneyField(_l("Prix de référence (€ par unité de vente)"),
                                       validators=[_given()])
    price_basis = _text(_l("D'où vient ce prix"), 200)
    nursery_portion_g = IntegerField(
        _l("Portion en maternelle (grammes, vide si aucune)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l(
            "Entre 1 et 1 000 grammes."))])
    origin = SelectField(_l("Origine"), choices=ORIGIN_CHOICES)
    origin_reason = _text(_l("Pourquoi l'acheter hors du réseau"), 200)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.origin.data == "outside" and not (self.origin_reason.data or "").strip():
            self.origin_reason.errors = [*self.origin_reason.errors, _(
                "Dites pourquoi ce produit est acheté hors du réseau.")]
            valid = False
        return valid


WEEKDAY_CHOICES = [(1, _l("lundi")), (2, _l("mardi")), (3, _l("mercredi")), (4, _l("jeudi")),
                   (5, _l("vendredi")), (6, _l("samedi")), (7, _l("dimanche"))]
POINT_KIND_CHOICES = [("relay", _l("Point relais")), ("shop", _l("Commerce partenaire")),
                      ("canteen", _l("Cantine")), ("city", _l("Point en ville"))]


def _window_ends_after_start(start: ClockField, end: ClockField, *, both: bool) -> bool:
    """Whether the window reads well; the problem is said next to its end."""
    if start.errors or end.errors:
        return False
    if (start.data is None) != (end.data is None):
        (end if start.data is not None else start).errors = [_(
            "Donnez le début et la fin de la plage.")]
        return False
    if start.data is None:
        if both:
            start.errors = [str(REQUIRED)]
            return False
        return True
    if end.data is not None and end.data <= start.data:
        end.errors = [_("La fin de la plage doit venir après son début.")]
        return False
    return True


class PointForm(PositionForm):
    name = _text(_l("Nom du point"), 120, required=True)
    kind = SelectField(_l("Type de point"), choices=POINT_KIND_CHOICES)
    capacity_baskets = IntegerField(_l("Capacité (paniers, vide si sans limite)"), validators=[
        Optional(), NumberRange(min=1, max=5000, message=_l("Entre 1 et 5 000 paniers."))])
    delivery_weekday = SelectField(_l("Jour de livraison"), choices=WEEKDAY_CHOICES, coerce=int,
                                   default=5)
    delivery_start_min = ClockField(_l("Livraison possible de (HH:MM)"))
    delivery_end_min = ClockField(_l("jusqu'à (HH:MM)"))
    delivery_overrides = WindowsField(_l("Autres jours de livraison, s'ils diffèrent "
                                         "(par exemple « samedi 08:00-10:00 »)"))
    pickup_weekday = SelectField(_l("Jour de retrait"), choices=WEEKDAY_CHOICES, coerce=int,
                                   default=5)
    pickup_start_min = ClockField(_l("Retrait des paniers de (HH:MM)"))
    pickup_end_min = ClockField(_l("jusqu'à (HH:MM)"))
    pickup_overrides = WindowsField(_l("Autres jours de retrait, s'ils diffèrent "
                                       "(par exemple « samedi 10:00-12:00 »)"))
    access_notes = _notes(_l("Accès (code, étage, où sonner…)"), 500)
    phone = StringField(_l("Téléphone du point"), validators=[Optional(), PHONE])
    notes = _text(_l("Notes internes"), 255)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        valid &= _window_ends_after_start(self.delivery_start_min, self.delivery_end_min,
                                          both=True)
        # A canteen is delivered, not collected from: its pickup window stays empty.
        valid &= _window_ends_after_start(self.pickup_start_min, self.pickup_end_min,
                                          both=self.kind.data != "canteen")
        for weekday, overrides in ((self.delivery_weekday, self.delivery_overrides),
                                   (self.pickup_weekday, self.pickup_overrides)):
            if not overrides.errors and weekday.data in overrides.weekdays:
                overrides.errors = [_("Ce jour est déjà celui de la plage principale : "
                                      "n'écrivez ici que les autres jours.")]
                valid = False
        return valid


class PointAccessForm(NetworkForm):
    """What a host keeps up to date about their point."""

    access_notes = _notes(_l("Accès (code, étage, où sonner…)"), 500)
    phone = StringField(_l("Téléphone du point"), validators=[Optional(), PHONE])


class HubForm(PositionForm):
    name = _text(_l("Nom de la plateforme"), 120, required=True)
    weekday = SelectField(_l("Jour d'ouverture"), choices=WEEKDAY_CHOICES, coerce=int,
                                   default=5)
    open_start_min = ClockField(_l("Ouverte de (HH:MM)"))
    open_end_min = ClockField(_l("jusqu'à (HH:MM)"))
    notes = _text(_l("Notes"), 255)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return _window_ends_after_start(self.open_start_min, self.open_end_min,
                                        both=True) and valid


CANTEEN_KIND_CHOICES = [("nursery", _l("École maternelle")),
                        ("elementary", _l("École élémentaire")),
                        ("residence", _l("Résidence pour personnes âgées"))]


class CanteenForm(NetworkForm):
    name = _text(_l("Nom de la cantine"), 120, required=True)
    kind = SelectField(_l("Type de cantine"), choices=CANTEEN_KIND_CHOICES)
    # Any id reads (0 when it is none): the service says which points may serve.
    point_id = SelectField(_l("Point de livraison (un point de type cantine)"), coerce=as_id,
                           choices=[], validate_choice=False)
    meals_per_day = IntegerField(_l("Repas par jour de service"), validators=[
        _given(), NumberRange(min=1, max=5000, message=_l("Entre 1 et 5 000 repas."))])
    service_days = WeekdaysField(
        _l("Jours de service"), choices=[(str(d), n) for d, n in WEEKDAY_CHOICES],
        validators=[DataRequired(message=_l("Cochez au moins un jour."))])
    local_target_pct = IntegerField(
        _l("Objectif de produits locaux (part de la valeur, en %)"),
        validators=[_given(), NumberRange(min=0, max=100,
                                          message=_l("Un pourcentage entre 0 et 100."))])
    budget_cents_per_meal = MoneyField(_l("Budget denrées par repas (€)"),
                                       validators=[_given()])


class FormatForm(NetworkForm):
    name = _text(_l("Nom du format"), 60, required=True)
    price_cents = MoneyField(_l("Prix (€)"), validators=[_given()])
    solidarity_price_cents = MoneyField(_l("Prix solidaire (€, vide : la règle habituelle)"),
                                        validators=[Optional()])
    target_weight_g = QuantityField(_l("Poids visé (kg)"), unit=Unit.KG,
                                    validators=[_given()], max_units=50)
    min_products = IntegerField(_l("Nombre minimum de produits"), default=4, validators=[
        _given(), NumberRange(min=1, max=20, message=_l("Entre 1 et 20 produits."))])
    quota = IntegerField(_l("Quota de la semaine (paniers)"), validators=[
        _given(), NumberRange(min=0, max=5000, message=_l("Entre 0 et 5 000 paniers."))])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        price, solidarity = self.price_cents.data, self.solidarity_price_cents.data
        if price is not None and price <= 0:
            self.price_cents.errors = [*self.price_cents.errors,
                                       _("Un panier a un prix supérieur à zéro.")]
            valid = False
        if price is not None and solidarity is not None and solidarity > price:
            self.solidarity_price_cents.errors = [*self.solidarity_price_cents.errors, _(
                "Le prix solidaire ne peut dépasser le prix du panier.")]
            valid = False
        if self.target_weight_g.data is not None and self.target_weight_g.data <= 0:
            self.target_weight_g.errors = [*self.target_weight_g.errors,
                                           _("Un panier pèse plus de zéro kilo.")]
            valid = False
        return valid
