"""Entry point for ``celery -A paniers.celery_worker worker``: builds the app once."""

from paniers import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
