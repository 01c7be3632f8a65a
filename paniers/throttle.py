"""Throttling of the views that check a password or reveal accounts (Flask-Limiter).

``throttled("login")`` limits the POSTs of a view per client address and per account
(the e-mail typed, normalised), with the limits ``THROTTLE_LOGIN_PER_ADDRESS`` and
``THROTTLE_LOGIN_PER_ACCOUNT`` of the configuration; a GET is never counted. A
password reset form would take ``throttled("reset")`` and its two settings.
Beyond a limit the request answers 429 (the error page says to wait).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request

from paniers.extensions import client_address, limiter


def account_typed() -> str:
    """The account a form is about: its e-mail field, as the services look it up."""
    return "account:" + (request.form.get("email") or "").strip().lower()


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def throttled(action: str) -> Callable[[Any], Any]:
    prefix = f"THROTTLE_{action.upper()}_PER_"

    def decorate(view: Any) -> Any:
        per_account = limiter.limit(_setting(prefix + "ACCOUNT"), key_func=account_typed,
                                    methods=["POST"], scope=f"{action}-account")
        per_address = limiter.limit(_setting(prefix + "ADDRESS"), key_func=client_address,
                                    methods=["POST"], scope=f"{action}-address")
        return per_address(per_account(view))

    return decorate
