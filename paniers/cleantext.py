"""Text as people send it, without the characters no one types on purpose.

A NUL byte (``\\x00``) is refused: PostgreSQL cannot store it, and no keyboard sends it.
Other control characters and the bidirectional embeddings, overrides and isolates (which
turn ``txt.exe`` into what reads as ``exe.txt``) are taken out of every text field.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.meta import DefaultMeta

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def strip_control(value: Any) -> Any:
    """``value`` without control characters (tab and line breaks kept) nor bidi overrides."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class CleanTextMeta(DefaultMeta):
    """Every text field of the form (passwords aside: they are kept as typed) is filtered
    by ``strip_control``."""

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            options["filters"] = (*unbound_field.kwargs.get("filters", ()), strip_control)
        return super().bind_field(form, unbound_field, options)


class CleanForm(FlaskForm):
    """The base of forms with text fields."""

    class Meta(CleanTextMeta):
        pass


def refuse_nul_bytes(app: Flask) -> None:
    """A request with a NUL byte in a query or form value is answered 400."""

    @app.before_request
    def no_nul_byte() -> None:
        values = request.args.listvalues()
        if request.method == "POST" and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            values = (*values, *request.form.listvalues())
        if any("\x00" in value for group in values for value in group):
            abort(400)
