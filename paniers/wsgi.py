"""Entry point for gunicorn: ``gunicorn 'paniers.wsgi:app'``."""

from paniers import create_app

app = create_app()
