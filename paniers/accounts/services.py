"""Registration and login."""

from __future__ import annotations

from functools import cache

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from paniers.accounts.models import Role, User
from paniers.accounts.tokens import read_confirmation
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.notifications.services import notify_account_exists, notify_confirm_email
from paniers.transaction import transaction
from paniers.types import utcnow

MIN_PASSWORD = 8


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
    if len(password) < MIN_PASSWORD:
        raise ServiceError(_("Le mot de passe doit compter au moins 8 caractères."))
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
    if user is None or user.session_version != int(version):
        return None
    return user


@transaction()
def set_locale(user: User, locale: str) -> None:
    if locale not in ("fr", "en"):
        raise ServiceError(_("Langue inconnue."))
    user.locale = locale
