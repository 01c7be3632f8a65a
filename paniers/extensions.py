"""Extensions, created unbound and bound to the application by the factory."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, insert, inspect
from sqlalchemy.orm import DeclarativeBase, make_transient_to_detached

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def client_address() -> str:
    """The address the request came from, as the WSGI server saw it."""
    return request.remote_addr or "unknown"


# No default limit: only the views that say so are throttled (``paniers.throttle``).
limiter = Limiter(key_func=client_address)


@contextmanager
def kept_after_commit() -> Iterator[None]:
    """Commits inside keep the session's objects as this transaction wrote and read them,
    instead of expiring them all (each then reloaded, one query apiece, on its next use):
    for a request that commits and then only reads back what it has just written."""
    session = db.session()
    kept = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = kept


_INSERTS: dict[Any, Any] = {}


def insert_rows(objects: Sequence[Any]) -> None:
    """Write new objects of one model in one INSERT, without the unit of work, and give
    them their ids: for the hot path of ordering, where the flush of a few objects cost
    more than the statements themselves. Every column is set (defaults applied here);
    the objects stay out of the session until ``attach_loaded``."""
    if not objects:
        return
    mapper = inspect(type(objects[0]))
    (key,) = mapper.primary_key
    rows = []
    for obj in objects:
        row = {}
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if column.primary_key:
                continue
            value = getattr(obj, prop.key)
            if value is None and column.default is not None:
                default = column.default
                value = default.arg if default.is_scalar else default.arg(None)  # type: ignore[attr-defined]
            setattr(obj, prop.key, value)  # set, even to None: loaded, never fetched again
            row[column.key] = value
        rows.append(row)
    statement = _INSERTS.get(mapper.local_table)
    if statement is None:  # built once per table: its SQL is compiled once, not per order
        statement = _INSERTS[mapper.local_table] = (
            insert(mapper.local_table).returning(key, sort_by_parameter_order=True))
    connection = db.session.connection()
    if len(rows) == 1:
        ids = [connection.execute(statement, rows[0]).scalar_one()]
    else:
        ids = list(connection.execute(statement, rows).scalars())
    for obj, new_id in zip(objects, ids, strict=True):
        setattr(obj, mapper.get_property_by_column(key).key, new_id)


def attach_loaded(objects: Sequence[Any]) -> None:
    """Objects written by ``insert_rows``: into the session as persistent and loaded, as
    if a query had just read them (no statement, nothing left to flush)."""
    for obj in objects:
        make_transient_to_detached(obj)
    session = db.session()
    for obj in objects:
        session.add(obj)
