from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, StringField
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


def _new_password() -> PasswordField:
    return PasswordField(_l("Nouveau mot de passe"),
                         validators=[DataRequired(), Length(min=8, max=128)],
                         description=_l("Au moins 8 caractères."))


def _confirm() -> PasswordField:
    return PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[DataRequired(),
                    EqualTo("password", message=_l("Les mots de passe diffèrent."))])


class ForgotPasswordForm(CleanForm):
    email = EmailField(_l("Adresse e-mail"),
                       validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(CleanForm):
    password = _new_password()
    confirm = _confirm()


class ChangePasswordForm(CleanForm):
    current = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired()])
    password = _new_password()
    confirm = _confirm()


class JoinForm(CleanForm):
    """Accepting an invitation without an account: a name and a password."""

    name = StringField(_l("Votre nom"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Mot de passe"),
                             validators=[DataRequired(), Length(min=8, max=128)],
                             description=_l("Au moins 8 caractères."))
    confirm = _confirm()


class JoinWithAccountForm(CleanForm):
    """Accepting an invitation with the account the address has already."""

    password = PasswordField(_l("Le mot de passe de votre compte"), validators=[DataRequired()])


class SwitchRoleForm(FlaskForm):
    membership = IntegerField(validators=[DataRequired()])
