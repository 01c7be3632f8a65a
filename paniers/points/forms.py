from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from paniers.cleantext import CleanForm
from paniers.points.models import EveningOutcome


class CloseEveningForm(CleanForm):
    outcome = SelectField(_l("Les paniers non retirés"), validators=[DataRequired()], choices=[
        (EveningOutcome.CHARITY.value, _l("donnés à une association partenaire")),
        (EveningOutcome.KEPT.value, _l("gardés au point jusqu'au lendemain")),
        (EveningOutcome.RETURNED.value, _l("rapportés à la plateforme")),
    ])
    note = TextAreaField(_l("Remarque (facultatif)"), validators=[Length(max=500)])
