from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
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
    hub_id = SelectField(_l("Plateforme de départ et de retour"), coerce=int,
                         validators=[DataRequired()])
    long_haul = BooleanField(_l("Navette longue distance : dessert seul les points hors de "
                                "l'agglomération (Lille, Dunkerque)"))
    active = BooleanField(_l("Disponible cette semaine"))


class PlanningForm(FlaskForm):
    """Planning the rounds: the longest the coordinator lets the search run."""

    time_limit_s = SelectField(
        _l("Durée maximale du calcul"), coerce=int, default=60,
        choices=[(10, _l("10 secondes")), (30, _l("30 secondes")), (60, _l("1 minute")),
                 (120, _l("2 minutes")), (300, _l("5 minutes"))])
