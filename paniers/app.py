"""The application factory: a table of contents of the application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Flask,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

import paniers.models  # noqa: F401  (every model, for the mappers and Alembic)
from canteens.views import blueprint as canteens
from paniers import config as settings
from paniers.accounts import services as account_services
from paniers.accounts.members.views import blueprint as members
from paniers.accounts.profile.views import blueprint as profile
from paniers.accounts.views import blueprint as accounts
from paniers.allocation.views import blueprint as allocation
from paniers.celery_app import celery_init_app
from paniers.cleantext import refuse_nul_bytes
from paniers.cli import register as register_cli
from paniers.cycles.services import status_label
from paniers.cycles.views import blueprint as cycles
from paniers.delivery.views import blueprint as delivery
from paniers.errors import ServiceError
from paniers.extensions import babel, csrf, db, limiter, login_manager
from paniers.formatting import register_filters
from paniers.formids import IdConverter
from paniers.headers import STATIC_HEADERS, content_security_policy
from paniers.health import blueprint as health
from paniers.invoices.views import blueprint as invoices
from paniers.journal.views import blueprint as journal
from paniers.main import blueprint as main
from paniers.network.admin.views import blueprint as network
from paniers.network.views import blueprint as network_import
from paniers.news.views import blueprint as news
from paniers.notifications.views import blueprint as notifications
from paniers.orders.views import blueprint as orders
from paniers.partners.views import blueprint as partners
from paniers.payments.views import blueprint as payments
from paniers.points.views import blueprint as points
from paniers.redirects import safe_referrer
from paniers.reports.views import blueprint as reports
from paniers.subscriptions.views import blueprint as subscriptions
from producers.views import blueprint as producers

PACKAGE = Path(__file__).resolve().parent
FLASHES_KEPT = 8  # messages waiting to be shown, per session


def template_folder() -> Path:
    """Top-level ``templates/`` in a checkout; ``paniers/templates`` once installed."""
    for candidate in (PACKAGE.parent / "templates", PACKAGE / "templates"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError("the templates folder is missing from this installation")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        "paniers",
        template_folder=str(template_folder()),
        static_folder=str(PACKAGE / "static"),
        instance_path=str(settings.instance_dir()),
    )
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    app.url_map.converters["int"] = IdConverter  # before the blueprints' rules are read
    register_extensions(app)
    refuse_nul_bytes(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    register_filters(app)
    return app


def select_locale() -> str:
    if not has_request_context():  # a worker or the command line: French
        return "fr"
    if current_user and current_user.is_authenticated:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in ("fr", "en"):
        return str(chosen)
    return "fr"


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PACKAGE / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = ""

    login_manager.user_loader(account_services.user_for_session)

    celery_init_app(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in (main, accounts, cycles, allocation, delivery, orders, points, producers,
                      canteens, health, payments, profile, subscriptions, notifications, journal,
                      members, network, network_import, reports, partners, invoices,
                      news):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["status_label"] = status_label  # the delivery selector's states


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def refused(error: ServiceError) -> tuple[str, int] | Response:
        db.session.rollback()
        back = safe_referrer("") if request.method == "POST" else ""
        if back:
            flash(str(error), "error")
            return redirect(back)
        return render_template("error.html", message=str(error)), error.status_code

    messages = {
        400: lambda: _("La demande n'a pas pu être comprise (formulaire expiré ?)."),
        403: lambda: _("Vous n'avez pas accès à cette page."),
        404: lambda: _("Cette page n'existe pas."),
        413: lambda: _("Ce que vous avez envoyé est trop volumineux."),
        429: lambda: _("Trop de tentatives en peu de temps. Attendez quelques minutes "
                       "avant de réessayer."),
        500: lambda: _("Une erreur est survenue de notre côté. Réessayez dans un instant."),
    }
    for code, message in messages.items():
        app.register_error_handler(code, _error_page(code, message))

    @app.after_request
    def keep_the_last_messages(response: Response) -> Response:
        # Messages wait in the session cookie until a page shows them. A client that
        # posts again and again without following its redirects would carry them all,
        # every request reading and signing a longer cookie, until browsers drop it
        # (4 KB) and the user is logged out: the last few are all a page would show.
        if "_flashes" in session and len(session["_flashes"]) > FLASHES_KEPT:
            session["_flashes"] = session["_flashes"][-FLASHES_KEPT:]
        return response


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = content_security_policy(
            app.config.get("MAP_TILE_URL", ""))
        response.headers.update(STATIC_HEADERS)
        # A page shown to a logged-in person holds their data: no copy kept by the
        # browser or a proxy, for the next person on a shared computer to go back to.
        # Only the user the request already loaded (every page behind login does): no
        # query here, when an error page may be answering for a database that is down.
        user = g.get("_login_user")
        if request.endpoint != "static" and user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response


def register_commands(app: Flask) -> None:
    register_cli(app)


def _error_page(code: int, message: Any) -> Any:
    def handler(_error: Exception) -> tuple[str, int]:
        if code == 500:
            db.session.rollback()
        return render_template("error.html", message=message()), code

    return handler
