"""Paniers: a short food circuit around Loos-en-Gohelle.

Importing the package does nothing: the application is built by
:func:`create_app`, so that the pure optimisers under ``paniers`` can be
imported without Flask, a database or a broker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application (see :mod:`paniers.app`)."""
    # Here, not at the top: ``paniers.app`` imports Flask and every area, and the pure
    # optimisers under ``paniers`` must import without them (the one function-level import).
    from paniers.app import create_app as _create_app

    return _create_app(config)
