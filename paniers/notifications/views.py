"""The coordinator's view of the messages sent, and reminders on demand."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.cycles.services import current_cycle
from paniers.notifications import services

blueprint = Blueprint("notifications", __name__, url_prefix="/coordination/messages")


@blueprint.route("/")
@role_required(Role.COORDINATOR)
def log_page() -> str:
    return render_template("notifications/log.html", messages=services.recent_messages(),
                           cycle=current_cycle(), action=FlaskForm())


@blueprint.route("/rappels", methods=["POST"])
@role_required(Role.COORDINATOR)
def remind_now() -> Response:
    cycle = current_cycle()
    if cycle is not None and FlaskForm().validate_on_submit():
        queued = services.notify_pickup_reminders(cycle.id)
        flash(ngettext("%(num)d rappel envoyé aux foyers.", "%(num)d rappels envoyés aux foyers.",
                       len(queued)), "success")
    return redirect(url_for("notifications.log_page"))
