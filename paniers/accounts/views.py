from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from paniers.accounts import invitations, memberships, services
from paniers.accounts.forms import (
    ForgotPasswordForm,
    JoinForm,
    JoinWithAccountForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    SwitchRoleForm,
)
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


@blueprint.app_context_processor
def role_choices() -> dict[str, object]:
    """The roles the header offers to switch to (only for people with several)."""
    def choices() -> list[tuple[int | None, str, bool]]:
        if not current_user.is_authenticated:
            return []
        try:
            held = memberships.held(current_user)
        except SQLAlchemyError:  # an error page while the database is down: no switcher
            return []
        if len(held) < 2:
            return []
        return [(m.id, memberships.label(m), memberships.is_current(current_user, m))
                for m in held]

    return {"role_choices": choices}


@blueprint.route("/role", methods=["POST"])
@login_required
def switch_role() -> Response:
    form = SwitchRoleForm()
    if not form.validate_on_submit():  # the current role chosen again: nothing to do
        return redirect(url_for("main.home"))
    chosen = memberships.switch_role(current_user, form.membership.data or 0)
    flash(_("Vous êtes maintenant : %(role)s.", role=memberships.label(chosen)), "success")
    return redirect(url_for("main.home"))


@blueprint.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@throttled("reset")
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        # The same answer whether the address has an account or not.
        flash(_("Si un compte existe avec cette adresse, un e-mail vient de lui être envoyé "
                "avec un lien pour choisir un nouveau mot de passe (valable une heure)."),
              "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@blueprint.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    """The link of the reset message; a used, expired or bad one is a 400 page."""
    services.user_for_reset(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data or "")
        except ServiceError as error:
            form.password.errors = [str(error)]
        else:
            start_session(user)
            flash(_("Votre nouveau mot de passe est enregistré ; vos autres sessions sont "
                    "fermées."), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/reset.html", form=form)


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> str | Response:
    """The link of an invitation: choose a name and a password (or give the password of
    the account the address has) and take the role."""
    opened = invitations.open_link(token)
    form = JoinWithAccountForm() if opened.account is not None else JoinForm()
    if form.validate_on_submit():
        name = form.name.data if isinstance(form, JoinForm) else ""
        try:
            user = invitations.accept(token, name=name or "", password=form.password.data or "")
        except ServiceError as error:
            form.password.errors = [str(error)]
        else:
            start_session(user)
            flash(_("Bienvenue ! Vous êtes maintenant : %(role)s.", role=opened.label),
                  "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/invitation.html", form=form, opened=opened)
