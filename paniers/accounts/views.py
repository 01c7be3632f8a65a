from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from paniers.accounts import services
from paniers.accounts.forms import LoginForm, RegisterForm
from paniers.accounts.models import User
from paniers.errors import ServiceError
from paniers.redirects import safe_next, safe_referrer
from paniers.throttle import throttled

blueprint = Blueprint("accounts", __name__)


def start_session(user: User) -> None:
    """Log in on a fresh session: nothing of the anonymous one (its CSRF secret, a
    cookie someone else planted) carries over, except the language chosen."""
    locale = session.get("locale")
    session.clear()
    if locale is not None:
        session["locale"] = locale
    login_user(user)


@blueprint.route("/connexion", methods=["GET", "POST"])
@throttled("login")
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data or "", form.password.data or "")
        except ServiceError as error:
            form.email.errors = [str(error)]
        else:
            start_session(user)
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
    return render_template("accounts/login.html", form=form)


@blueprint.route("/inscription", methods=["GET", "POST"])
@throttled("register")
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_household(
                form.email.data or "", form.name.data or "", form.password.data or "",
                session.get("locale", "fr"),
            )
        except ServiceError as error:
            form.email.errors = [str(error)]
        else:  # the same answer whether the address had an account or not (user None)
            flash(_("Merci ! Un e-mail de confirmation vous a été envoyé : suivez son lien "
                    "pour activer votre compte."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form)


@blueprint.route("/inscription/confirmer/<token>")
def confirm(token: str) -> Response:
    """The link of the confirmation message; a bad or expired one is a 400 page."""
    services.confirm_email(token)
    flash(_("Votre adresse est confirmée : vous pouvez vous connecter."), "success")
    if current_user.is_authenticated:  # someone signed in already on this device
        return redirect(url_for("main.home"))
    return redirect(url_for("accounts.login"))


@blueprint.route("/deconnexion", methods=["POST"])
@login_required
def logout() -> Response:
    if FlaskForm().validate_on_submit():
        services.revoke_sessions(current_user)
        logout_user()
    return redirect(url_for("main.home"))


@blueprint.route("/langue/<code>", methods=["POST"])
def switch_language(code: str) -> Response:
    if not FlaskForm().validate_on_submit() or code not in ("fr", "en"):
        flash(_("Langue inconnue."), "error")
        return redirect(url_for("main.home"))
    session["locale"] = code
    if current_user.is_authenticated:
        services.set_locale(current_user, code)
    return redirect(safe_referrer(url_for("main.home")))
