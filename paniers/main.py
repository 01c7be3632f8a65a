"""The home page, which depends on who is looking."""

from __future__ import annotations

from flask import Blueprint, render_template

from paniers.cycles.services import current_cycle

blueprint = Blueprint("main", __name__)


@blueprint.route("/")
def home() -> str:
    return render_template("main/home.html", cycle=current_cycle())
