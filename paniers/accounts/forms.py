from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from paniers.cleantext import CleanForm


class LoginForm(CleanForm):
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])


class RegisterForm(CleanForm):
    name = StringField(_l("Nom du foyer"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Adresse e-mail"),
                       validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Mot de passe"),
                             validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[DataRequired(),
                    EqualTo("password", message=_l("Les mots de passe diffèrent."))],
    )
