"""Households registered as a person does: through the service, then the link of the
confirmation message followed."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from paniers.accounts.models import User
from paniers.accounts.services import confirm_email, register_household
from paniers.accounts.tokens import confirmation_token
from paniers.extensions import db
from paniers.notifications.messages import compose
from paniers.notifications.models import Kind, OutboundMessage

LINK = re.compile(r"https?://\S+(/inscription/confirmer/[A-Za-z0-9_.\-]+)")


def register_confirmed(email: str, name: str, password: str, locale: str = "fr") -> User:
    """A new household that can log in: registered, its address confirmed."""
    user = register_household(email, name, password, locale)
    assert user is not None, f"{email} had an account already"
    confirm_email(confirmation_token(user))
    return user


def confirmation_link(email: str) -> str:
    """The path of the link in the confirmation message queued for ``email``, read from
    the message as it would be sent."""
    db.session.expire_all()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    assert user is not None, f"{email} has no account"
    (message,) = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == Kind.CONFIRM_EMAIL, OutboundMessage.user_id == user.id)).all()
    text = compose(message, user).get_body(("plain",)).get_content()
    found = LINK.search(text)
    assert found is not None, text
    return found.group(1)
