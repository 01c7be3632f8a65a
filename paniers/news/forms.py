from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from paniers.cleantext import CleanForm
from paniers.news.models import MAX_CHARS


class NewsSheetForm(CleanForm):
    title = StringField(_l("Titre (facultatif)"), validators=[Length(max=120)])
    body = TextAreaField(_l("Texte"), validators=[Length(max=MAX_CHARS, message=_l(
        "Au plus %(max)d caractères : la feuille tient sur une page."))])
