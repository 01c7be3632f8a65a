"""The commands an application carries (``app.cli``): migrations and the demo data."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from paniers import migrate
from paniers.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, is_seeded, seed_demo
from paniers.network.commands import network_group


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

    if not (if_empty and is_seeded()):
        seed_demo()
        click.echo("demo data loaded")
    click.echo(f"demo logins (password: {DEMO_PASSWORD}):")
    for email, name, role, _ in DEMO_ACCOUNTS:
        click.echo(f"  {role:<16} {email:<28} {name}")


def register(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(network_group)
