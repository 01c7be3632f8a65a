"""Registration and login."""

from __future__ import annotations

from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from paniers.accounts.models import Membership, Role, User
from paniers.accounts.tokens import password_fingerprint, read_confirmation, read_reset
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.notifications.services import (
    notify_account_exists,
    notify_confirm_email,
    notify_password_reset,
)
from paniers.transaction import transaction
from paniers.types import utcnow

MIN_PASSWORD = 8
MAX_PASSWORD = 128


def check_password_strength(password: str) -> None:
    """The rule of every new password (registration, invitation, reset, change)."""
    if len(password) < MIN_PASSWORD:
        raise ServiceError(_("Le mot de passe doit compter au moins 8 caractères."))
    if len(password) > MAX_PASSWORD:
        raise ServiceError(_("Le mot de passe doit compter au plus 128 caractères."))


def normalised_email(email: str) -> str:
    """The address as stored (lower case), or a ``ServiceError`` when it is not one."""
    try:
        return str(validate_email(email.strip(), check_deliverability=False).normalized).lower()
    except EmailNotValidError as error:
        raise ServiceError(_("Adresse e-mail invalide.")) from error


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not the password of anyone")


def _dummy_check(password: str) -> None:
    """As long as checking a real password: an unknown address must not answer faster
    than a known one (which would tell who has an account)."""
    check_password_hash(_dummy_hash(), password)


@transaction()
def register_household(email: str, name: str, password: str, locale: str = "fr") -> User | None:
    """A new household, unconfirmed: it gets the link that confirms its address, and
    cannot log in before following it. None when the address has an account already:
    nothing is created and its owner gets a message. The caller answers both alike, and
    neither can log in with the password just given, so that registering tells nobody
    which addresses have an account."""
    check_password_strength(password)
    existing = find_user(email)
    if existing is not None:
        generate_password_hash(password)  # as long as creating the account
        notify_account_exists(existing.id)
        return None
    user = User(email=email.strip().lower(), name=name.strip(), role=Role.HOUSEHOLD,
                locale=locale if locale in ("fr", "en") else "fr")
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, role=Role.HOUSEHOLD, active=True))
    notify_confirm_email(user.id)
    return user


@transaction()
def confirm_email(token: str) -> User:
    """Follow the link of a confirmation message: the account can log in from now on.
    Following it again changes nothing; a tampered or expired link is refused."""
    found = read_confirmation(token)
    user = db.session.get(User, found[0]) if found is not None else None
    if found is None or user is None or user.email.lower() != found[1].lower():
        raise ServiceError(_("Ce lien de confirmation n'est pas valable ou a expiré."))
    if user.email_confirmed_dt is None:
        user.email_confirmed_dt = utcnow()
    return user


def authenticate(email: str, password: str) -> User:
    user = find_user(email)
    if user is None:
        _dummy_check(password)
        raise ServiceError(_("Adresse ou mot de passe incorrect."))
    # The password is checked first, whatever the account: an unconfirmed one answers
    # exactly like a wrong password, and as slowly.
    if not user.check_password(password) or user.email_confirmed_dt is None:
        raise ServiceError(_("Adresse ou mot de passe incorrect."))
    if user.deactivated_dt is not None:  # told only to whom knows the password
        raise ServiceError(_("Ce compte a été désactivé par la coordination."))
    return user


@transaction()
def revoke_sessions(user: User) -> None:
    """End every session of this person, on every device, this one included.

    Logout calls it; a password change or reset should too, then log the person
    in again on the device they are using."""
    user.session_version += 1


def user_for_session(session_id: str) -> User | None:
    """The person a session cookie's id names (``"<id>:<version>"``), unless revoked."""
    user_id, _sep, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or user.deactivated_dt is not None:
        return None
    return user


@transaction()
def set_locale(user: User, locale: str) -> None:
    if locale not in ("fr", "en"):
        raise ServiceError(_("Langue inconnue."))
    user.locale = locale


@transaction()
def create_coordinator(email: str, name: str, password: str) -> User:
    """The first coordinator of an empty instance (or one more): able to log in at once."""
    address = normalised_email(email)
    name = name.strip()
    if not name:
        raise ServiceError(_("Indiquez un nom."))
    if len(name) > 120:
        raise ServiceError(_("Le nom doit compter au plus 120 caractères."))
    check_password_strength(password)
    if find_user(address) is not None:
        raise ServiceError(_("Un compte existe déjà avec cette adresse."))
    user = User(email=address, name=name, role=Role.COORDINATOR, locale="fr",
                email_confirmed_dt=utcnow())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, role=Role.COORDINATOR, active=True))
    return user


# -- passwords ---------------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """Send the link that sets a new password, if the address has an active account.

    The caller answers alike whether or not it has one: nothing here tells."""
    user = find_user(email)
    if user is None or user.deactivated_dt is not None:
        return
    notify_password_reset(user.id)


def user_for_reset(token: str) -> User:
    """The account a reset link is for, while the link is valid (unused, unexpired)."""
    found = read_reset(token)
    user = db.session.get(User, found[0]) if found is not None else None
    if found is None or user is None or user.deactivated_dt is not None \
            or password_fingerprint(user) != found[1]:
        raise ServiceError(_("Ce lien n'est plus valable : il a déjà servi ou a expiré. "
                             "Demandez-en un nouveau."))
    return user


def _replace_password(user: User, password: str) -> None:
    """Set a new password and end every session, only if the password is still the one
    read (in one UPDATE): of two uses of one link racing, exactly one goes on."""
    check_password_strength(password)
    replaced = db.session.execute(
        update(User).where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=generate_password_hash(password),
                session_version=User.session_version + 1)
        .execution_options(synchronize_session=False))
    if replaced.rowcount != 1:
        raise ServiceError(_("Ce lien n'est plus valable : il a déjà servi ou a expiré. "
                             "Demandez-en un nouveau."))
    db.session.refresh(user)


@transaction()
def reset_password(token: str, password: str) -> User:
    """Follow a reset link: the new password, every session ended. The link then stops
    working (it names the old password). The address is confirmed by the way."""
    user = user_for_reset(token)
    _replace_password(user, password)
    if user.email_confirmed_dt is None:
        user.email_confirmed_dt = utcnow()
    return user


@transaction()
def change_password(user: User, current: str, new: str) -> None:
    """From "Mon compte": the current password first; every other session ends."""
    if not user.check_password(current):
        raise ServiceError(_("Mot de passe actuel incorrect."))
    _replace_password(user, new)
