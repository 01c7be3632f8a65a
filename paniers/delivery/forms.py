from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from paniers.cleantext import CleanForm

CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"
CLOCK_MESSAGE = _l("Heure au format HH:MM.")


class VehicleForm(CleanForm):
    name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=120)])
    capacity_kg = IntegerField(_l("Charge utile (kg)"),
                               validators=[DataRequired(), NumberRange(min=1, max=5000)])
    capacity_crates = IntegerField(_l("Caisses"),
                                   validators=[DataRequired(), NumberRange(min=1, max=500)])
    shift_start = StringField(_l("Début de service (HH:MM)"),
                              validators=[DataRequired(), Regexp(CLOCK, message=CLOCK_MESSAGE)])
    shift_end = StringField(_l("Fin de service (HH:MM)"),
                            validators=[DataRequired(), Regexp(CLOCK, message=CLOCK_MESSAGE)])
    max_km = IntegerField(_l("Distance maximale (km, vide si aucune)"),
                          validators=[Optional(), NumberRange(min=1, max=2000)])
    cost_per_km_cents = IntegerField(_l("Coût au km (centimes)"),
                                     validators=[DataRequired(), NumberRange(min=0, max=1000)])
    active = BooleanField(_l("Disponible cette semaine"))
