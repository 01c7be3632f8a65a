"""The commands an application carries (``app.cli``): migrations and the demo data."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from paniers import migrate
from paniers.accounts.services import create_coordinator
from paniers.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, is_seeded, seed_demo
from paniers.errors import ServiceError
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
@click.option("--live-week", is_flag=True,
              help="When no week exists yet, open next Friday's with every farm's supply "
                   "declared and a few households' orders.")
@with_appcontext
def seed_demo_command(if_empty: bool, live_week: bool) -> None:
    """Load the Lensois demo data (idempotent) and print the demo logins."""
    from paniers.cycles.services import cycles
    from paniers.demo.seed import farm_logins
    from paniers.demo.week import open_demo_week

    if not (if_empty and is_seeded()):
        seed_demo()
        click.echo("demo data loaded")
    if live_week and not cycles():
        cycle = open_demo_week()
        click.echo(f"a week in progress: delivery on {cycle.delivery_date.isoformat()}, "
                   "open for orders, every farm's supply declared, a few orders placed")
    click.echo(f"demo logins (password: {DEMO_PASSWORD}):")
    for email, name, role, _ in DEMO_ACCOUNTS:
        click.echo(f"  {role:<16} {email:<32} {name}")
    for email, name, _code in farm_logins():
        click.echo(f"  {'farmer':<16} {email:<32} {name}")


@click.command("seed-agglomeration")
@click.option("--households", default=5000, show_default=True, type=click.IntRange(0))
@click.option("--seed", default=1, show_default=True, type=int)
@with_appcontext
def seed_agglomeration_command(households: int, seed: int) -> None:
    """Load the generated Lens-Liévin agglomeration: 2 hubs, 80 points, 30 farms, 12
    canteens, 8 vehicles and HOUSEHOLDS households (the same for the same --seed)."""
    from paniers.demo.agglomeration import generate, load

    agglomeration = generate(households, seed)
    load(agglomeration)
    subscribed = sum(h.subscription is not None for h in agglomeration.households)
    click.echo(f"agglomeration loaded (seed {seed}): {households} households, "
               f"{subscribed} subscribed; password: {DEMO_PASSWORD}")


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", required=True, help="Le nom de la personne.")
@click.option("--password-stdin", is_flag=True,
              help="Lire le mot de passe sur l'entrée standard (sa première ligne).")
@with_appcontext
def create_coordinator_command(email: str, name: str, password_stdin: bool) -> None:
    """Create a coordinator (the first one of an empty instance): EMAIL, --name, and a
    password typed at the prompt or read from standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mot de passe", hide_input=True,
                                confirmation_prompt="Mot de passe (encore)")
    try:
        user = create_coordinator(email, name, password)
    except ServiceError as error:
        click.echo(f"Erreur : {error}", err=True)
        raise SystemExit(1) from error
    click.echo(f"Coordination : {user.name} <{user.email}> peut se connecter.")


def register(app: Flask) -> None:
    app.cli.add_command(create_coordinator_command)
    app.cli.add_command(db_group)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_agglomeration_command)
    app.cli.add_command(network_group)
