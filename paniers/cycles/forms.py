from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, IntegerField
from wtforms.validators import DataRequired, NumberRange, Optional


class CycleForm(FlaskForm):
    delivery_date = DateField(_l("Date de livraison"), validators=[DataRequired()])
    cutoff = DateTimeLocalField(  # left empty: 48 hours before the vans leave
        _l("Date limite de commande (heure de Paris)"), format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    quota_small = IntegerField(_l("Quota de petits paniers"), default=60,
                               validators=[NumberRange(min=0, max=2000)])
    quota_medium = IntegerField(_l("Quota de paniers moyens"), default=80,
                                validators=[NumberRange(min=0, max=2000)])
    quota_large = IntegerField(_l("Quota de grands paniers"), default=40,
                               validators=[NumberRange(min=0, max=2000)])
