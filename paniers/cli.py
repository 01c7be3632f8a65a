"""The ``paniers`` command line."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from paniers import migrate


def _create_app() -> Flask:
    from paniers import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Paniers: the weekly short food circuit of the Lensois."""


@click.group("db")
def db_group() -> None:
    """Database migrations."""


@db_group.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION."""
    migrate.upgrade(current_app.config["SQLALCHEMY_DATABASE_URI"], revision)
    click.echo(f"database at {revision}")


@db_group.command("downgrade")
@click.option("--revision", default="-1", show_default=True)
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (one step by default)."""
    migrate.downgrade(current_app.config["SQLALCHEMY_DATABASE_URI"], revision)
    click.echo(f"database at {revision}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when no demo data is loaded yet.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Load the Lensois demo data (idempotent) and print the demo logins."""
    from paniers.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, is_seeded, seed_demo

    if not (if_empty and is_seeded()):
        seed_demo()
        click.echo("demo data loaded")
    click.echo(f"demo logins (password: {DEMO_PASSWORD}):")
    for email, name, role, _ in DEMO_ACCOUNTS:
        click.echo(f"  {role:<16} {email:<28} {name}")


@click.command("demo-week")
@click.option("--households", default=60, show_default=True)
@click.option("--seed", default=7, show_default=True, help="Random seed of the simulated orders.")
@click.option("--database-url", default=None,
              help="Where to run the week (default: a new SQLite file in a temporary folder).")
def demo_week_command(households: int, seed: int, database_url: str | None) -> None:
    """Run one whole week headless on a fresh database and print a summary."""
    from paniers.demo.week import run_demo_week

    click.echo(run_demo_week(households=households, seed=seed, database_url=database_url))


def register(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_week_command)
