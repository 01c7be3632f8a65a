from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from paniers.cleantext import CleanForm
from paniers.formids import as_id
from paniers.notifications.models import Kind


class ProfileForm(CleanForm):
    name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Téléphone"), validators=[
        Optional(), Length(max=30),
        Regexp(r"^\+?[0-9 .()-]{6,30}$", message=_l("Numéro de téléphone illisible.")),
    ])
    locale = SelectField(_l("Langue"), choices=[("fr", "Français"), ("en", "English")])
    point = SelectField(_l("Point de retrait habituel"), coerce=as_id, validators=[Optional()])


KIND_LABELS = {
    Kind.ORDER_CONFIRMATION: _l("Confirmation de commande"),
    Kind.CYCLE_OPEN: _l("Ouverture des commandes, avec le panier de la semaine"),
    Kind.PICKUP_REMINDER: _l("Rappel le jour du retrait"),
    Kind.SHORTAGE: _l("Produits manquants"),
    Kind.REFUND: _l("Remboursements"),
    Kind.MISSED_PICKUP: _l("Commande non retirée"),
    Kind.SUBSCRIPTION_SKIPPED: _l("Abonnement sans panier cette semaine"),
}


class NotificationsForm(FlaskForm):
    pass


for _kind, _label in KIND_LABELS.items():
    setattr(NotificationsForm, _kind.value, BooleanField(_label))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Votre mot de passe, pour confirmer"),
                             validators=[DataRequired()])
