"""Ids that come back from hidden form fields and addresses: a person (or a script) may
have changed them."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, ValidationError

# Ids are INTEGER columns (32 bits on PostgreSQL): a larger number names no row, and the
# database would refuse it with an error rather than find nothing.
MAX_ID = 2**31 - 1
_MAX_ID_DIGITS = len(str(MAX_ID))


def as_id(value: object) -> int:
    """The id in a hidden field, or 0 when it is not a positive whole number that may
    name a row (ASCII digits only, at most ``MAX_ID``)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > _MAX_ID_DIGITS:
        return 0
    number = int(text)
    return number if number <= MAX_ID else 0


class IdConverter(IntegerConverter):
    """``<int:...>`` in addresses: a number no row may have is a 404, never an error."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value.lstrip("0")) > _MAX_ID_DIGITS:
            raise ValidationError()
        try:
            return int(super().to_python(value))
        except ValueError as error:
            raise ValidationError() from error
