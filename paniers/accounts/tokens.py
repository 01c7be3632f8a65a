"""The signed links of the accounts: confirming a new account's address, resetting a
forgotten password, accepting an invitation.

The confirmation token names the account and its address, signed with the application's
SECRET_KEY (and a salt of its own, so no other signed value passes for it); it
expires after ``CONFIRM_MAX_AGE``. Nothing is stored: following it twice is harmless.
"""

from __future__ import annotations

import hashlib
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


# -- forgotten password -----------------------------------------------------------
# The link names the account and a fingerprint of its password hash: once the password
# is changed (by this link or otherwise) the fingerprint no longer matches, so the link
# works once. It expires after RESET_MAX_AGE.

RESET_SALT = "paniers.accounts.reset-password"
RESET_MAX_AGE = timedelta(hours=1)


def password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)
    return serializer.dumps({"user": user.id, "pw": password_fingerprint(user)})


def reset_path(user: User) -> str:
    return f"/mot-de-passe/{reset_token(user)}"


def read_reset(token: str) -> tuple[int, str] | None:
    """The (user id, password fingerprint) of a valid, unexpired link; None otherwise."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)
    try:
        data = serializer.loads(token, max_age=int(RESET_MAX_AGE.total_seconds()))
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    user_id, fingerprint = data.get("user"), data.get("pw")
    if not isinstance(user_id, int) or isinstance(user_id, bool) \
            or not isinstance(fingerprint, str):
        return None
    return user_id, fingerprint


# -- invitations ------------------------------------------------------------------
# The link names the invitation and its nonce; the invitation row says whether it is
# still pending (single use, revocable, a resend changes the nonce).

INVITATION_SALT = "paniers.accounts.invitation"
INVITATION_MAX_AGE = timedelta(days=7)


def invitation_token(invitation_id: int, nonce: str) -> str:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)
    return serializer.dumps({"invitation": invitation_id, "nonce": nonce})


def invitation_path(invitation_id: int, nonce: str) -> str:
    return f"/invitation/{invitation_token(invitation_id, nonce)}"


def read_invitation(token: str) -> tuple[int, str] | None:
    """The (invitation id, nonce) of a valid, unexpired link; None otherwise."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)
    try:
        data = serializer.loads(token, max_age=int(INVITATION_MAX_AGE.total_seconds()))
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    invitation_id, nonce = data.get("invitation"), data.get("nonce")
    if not isinstance(invitation_id, int) or isinstance(invitation_id, bool) \
            or not isinstance(nonce, str):
        return None
    return invitation_id, nonce
