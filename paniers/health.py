"""``/health``: is this web process able to serve? For the proxy and the monitoring.

It checks the database and the Celery broker and answers JSON: 200 when both
answer, 503 naming the part that failed otherwise. No login: it shows no data.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from werkzeug.wrappers import Response

from paniers.background import broker_answers
from paniers.extensions import db

blueprint = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not ready": report it, do not raise
        db.session.rollback()
        log.warning("health: database unavailable: %s", error)
        return "unavailable"
    finally:
        db.session.remove()
    return "ok"


def _broker() -> str:
    try:
        broker_answers()
    except Exception as error:  # idem
        log.warning("health: broker unavailable: %s", error)
        return "unavailable"
    return "ok"


@blueprint.route("/health")
def health() -> tuple[Response, int]:
    checks = {"database": _database(), "broker": _broker()}
    healthy = all(state == "ok" for state in checks.values())
    body: dict[str, str | list[str]] = {"status": "ok" if healthy else "unavailable", **checks}
    if not healthy:
        body["failed"] = sorted(name for name, state in checks.items() if state != "ok")
    return jsonify(body), 200 if healthy else 503
