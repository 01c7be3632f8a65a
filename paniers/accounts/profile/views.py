"""My account: profile, language, usual point, messages, history, deletion."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from paniers.accounts import services as accounts
from paniers.accounts.forms import ChangePasswordForm
from paniers.accounts.profile import services
from paniers.accounts.profile.forms import (
    KIND_LABELS,
    DeleteAccountForm,
    NotificationsForm,
    ProfileForm,
)
from paniers.accounts.views import start_session
from paniers.allocation.outcome import what_households_see
from paniers.errors import ServiceError
from paniers.notifications import services as notifications
from paniers.orders.catalogue import orderable_points
from paniers.orders.services import orders_of

blueprint = Blueprint("profile", __name__, url_prefix="/compte")


def _profile_form() -> ProfileForm:
    form = ProfileForm(obj=None)
    form.point.choices = [(0, "—")] + [(p.id, f"{p.town} — {p.name}") for p in orderable_points()]
    if not form.is_submitted():
        form.name.data, form.phone.data = current_user.name, current_user.phone or ""
        form.locale.data, form.point.data = current_user.locale, current_user.point_id or 0
    return form


def _notifications_form() -> NotificationsForm:
    form = NotificationsForm()
    if not form.is_submitted():
        for kind, enabled in notifications.preferences(current_user).items():
            getattr(form, kind).data = enabled
    return form


def _page(profile: ProfileForm | None = None, deletion: DeleteAccountForm | None = None,
          password: ChangePasswordForm | None = None) -> str:
    orders = orders_of(current_user)
    contents, shortages = what_households_see(orders)
    return render_template(
        "accounts/profile.html", profile=profile or _profile_form(),
        choices=_notifications_form(), kinds=KIND_LABELS,
        deletion=deletion or DeleteAccountForm(), password=password or ChangePasswordForm(),
        orders=orders, contents=contents,
        shortages=shortages)


@blueprint.route("/", methods=["GET", "POST"])
@login_required
def page() -> str | Response:
    form = _profile_form()
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, form.name.data or "", form.phone.data or "",
                                    form.locale.data or "fr", form.point.data or None)
        except ServiceError as error:
            flash(str(error), "error")
        else:
            session["locale"] = current_user.locale
            flash(_("Profil enregistré."), "success")
            return redirect(url_for("profile.page"))
    return _page(profile=form)


@blueprint.route("/messages", methods=["POST"])
@login_required
def choose_messages() -> Response:
    form = NotificationsForm()
    if form.validate_on_submit():
        wanted = {kind.value for kind in KIND_LABELS if getattr(form, kind.value).data}
        notifications.set_preferences(current_user, wanted)
        flash(_("Vos choix de messages sont enregistrés."), "success")
    return redirect(url_for("profile.page"))


@blueprint.route("/suppression", methods=["POST"])
@login_required
def delete() -> str | Response:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data or "")
        except ServiceError as error:
            form.password.errors = [str(error)]
        else:
            logout_user()
            flash(_("Votre compte est supprimé. Merci d'avoir fait vivre le circuit court."),
                  "success")
            return redirect(url_for("main.home"))
    return _page(deletion=form)


@blueprint.route("/mot-de-passe", methods=["POST"])
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data or "",
                                     form.password.data or "")
        except ServiceError as error:
            form.current.errors = [str(error)]
        else:
            start_session(current_user._get_current_object())  # the other sessions end
            flash(_("Mot de passe changé ; vos autres sessions sont fermées."), "success")
            return redirect(url_for("profile.page"))
    return _page(password=form)
