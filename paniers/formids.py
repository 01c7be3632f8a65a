"""Ids that come back from hidden form fields: a person (or a script) may have changed them."""

from __future__ import annotations


def as_id(value: object) -> int:
    """The id in a hidden field, or 0 when it is not a positive whole number."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() else 0
