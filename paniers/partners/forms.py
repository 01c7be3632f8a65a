"""Issuing and revoking a partner's token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from paniers.cleantext import CleanForm
from paniers.formids import as_id


class IssueTokenForm(CleanForm):
    partner = StringField(_l("Partenaire"), validators=[
        DataRequired(_l("Nommez le partenaire qui recevra ce jeton.")),
        Length(max=120, message=_l("Le nom du partenaire est trop long (120 caractères au "
                                   "plus)."))],
        description=_l("Par exemple : « Open Food France — hub de Lille », « Jardins de "
                       "Cocagne d'Arras »."))


class RevokeTokenForm(CleanForm):
    token_id = HiddenField(validators=[DataRequired(_l("Ce jeton n'existe pas."))],
                           filters=[as_id])
