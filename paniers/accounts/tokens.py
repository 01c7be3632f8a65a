"""The signed link that confirms a new account's address.

The token names the account and its address, signed with the application's
SECRET_KEY (and a salt of its own, so no other signed value passes for it); it
expires after ``CONFIRM_MAX_AGE``. Nothing is stored: following it twice is harmless.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from paniers.accounts.models import User

CONFIRM_SALT = "paniers.accounts.confirm-email"
CONFIRM_MAX_AGE = timedelta(hours=48)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def confirmation_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "email": user.email})


def confirmation_path(user: User) -> str:
    """The link's path, without the host: a message puts PUBLIC_URL before it."""
    return f"/inscription/confirmer/{confirmation_token(user)}"


def read_confirmation(token: str) -> tuple[int, str] | None:
    """The (user id, address) a valid, unexpired token names; None for anything else."""
    try:
        data = _serializer().loads(token, max_age=int(CONFIRM_MAX_AGE.total_seconds()))
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    user_id, email = data.get("user"), data.get("email")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(email, str):
        return None
    return user_id, email
