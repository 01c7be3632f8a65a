"""The ``paniers`` command: the application's commands (``paniers db upgrade``,
``paniers seed-demo``, ``paniers run``: see :mod:`paniers.cli`) and a headless week."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from flask.cli import FlaskGroup

from paniers.app import create_app
from paniers.demo.week import run_week
from paniers.migrate import upgrade


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """Paniers: the weekly short food circuit of the Lensois."""


@main.command("demo-week")
@click.option("--households", default=60, show_default=True)
@click.option("--seed", default=7, show_default=True, help="Random seed of the simulated orders.")
@click.option("--database-url", default=None,
              help="Where to run the week (default: a new SQLite file in a temporary folder).")
def demo_week_command(households: int, seed: int, database_url: str | None) -> None:
    """Run one whole week headless on a fresh database and print a summary."""

    click.echo(run_demo_week(households=households, seed=seed, database_url=database_url))


def run_demo_week(households: int, seed: int, database_url: str | None = None) -> str:
    with tempfile.TemporaryDirectory(prefix="paniers-week-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'week.sqlite'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        upgrade(url)
        with app.app_context():
            return run_week(households, seed)
