"""The coordinators' forms about members: invite, add a role, deactivate."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from paniers.accounts.memberships import ROLE_NAMES
from paniers.accounts.models import Role
from paniers.cleantext import CleanForm
from paniers.formids import as_id

INVITABLE_CHOICES = [(role.value, ROLE_NAMES[role]) for role in
                     (Role.FARMER, Role.RELAY_HOST, Role.CANTEEN_MANAGER, Role.COORDINATOR)]
TIE_NEEDED = {
    Role.FARMER.value: ("farm", _l("Choisissez la ferme de ce producteur.")),
    Role.RELAY_HOST.value: ("point", _l("Choisissez le point de cet hôte.")),
    Role.CANTEEN_MANAGER.value: ("canteen", _l("Choisissez la cantine de ce gestionnaire.")),
}


class RoleTiesForm(CleanForm):
    """A role and the farm, point or canteen it is tied to (the one the role needs)."""

    role = SelectField(_l("Rôle"), validators=[DataRequired()])
    farm = SelectField(_l("Ferme (producteur)"), coerce=as_id, validators=[Optional()])
    point = SelectField(_l("Point (hôte)"), coerce=as_id, validators=[Optional()])
    canteen = SelectField(_l("Cantine (gestionnaire)"), coerce=as_id, validators=[Optional()])

    def fill(self, choices: dict[str, list[tuple[int, str]]]) -> RoleTiesForm:
        for name in ("farm", "point", "canteen"):
            getattr(self, name).choices = [(0, "—"), *choices[name]]
        return self

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        needed = TIE_NEEDED.get(self.role.data or "")
        if needed is not None and not getattr(self, needed[0]).data:
            getattr(self, needed[0]).errors = [str(needed[1])]
            return False
        return valid

    def ties(self) -> dict[str, int | None]:
        """Only the tie the role needs: a farm chosen for a host is not kept."""
        needed = TIE_NEEDED.get(self.role.data or "")
        return {f"{name}_id": (getattr(self, name).data or None)
                if needed is not None and needed[0] == name else None
                for name in ("farm", "point", "canteen")}


class InviteForm(RoleTiesForm):
    email = EmailField(_l("Adresse e-mail"),
                       validators=[DataRequired(), Email(), Length(max=254)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = INVITABLE_CHOICES


class AddRoleForm(RoleTiesForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.value, label) for role, label in ROLE_NAMES.items()]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Nom ou adresse"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Rôle"), validators=[Optional()],
                       choices=[("", _l("Tous"))] + [(r.value, n) for r, n in ROLE_NAMES.items()])


class ConfirmForm(FlaskForm):
    """A confirmation step: the form of the confirmation page carries ``confirm=oui``."""

    confirm = HiddenField()
