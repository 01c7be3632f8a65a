"""One commit per use case: the outermost use case commits, the ones it calls only flush.

A service function that changes data runs inside ``transaction()``; when it is called by
another use case (a subscription run placing an order, a canteen's week order), it joins
its caller's transaction instead of committing on its own, so that either everything the
outer use case wrote is kept, or nothing is. Any exception rolls the whole transaction back
(at the outermost level) and propagates.

What must happen only once the data is committed (handing a message to the workers,
sending a refund to the payment provider) is registered with ``after_commit`` and runs
after the outermost commit, never after a rollback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from paniers.extensions import db

_DEPTH = "paniers.transaction.depth"
_AFTER = "paniers.transaction.after_commit"


def _session() -> Session:
    return db.session()  # type: ignore[no-any-return]


def in_transaction() -> bool:
    """Whether a use case is running (its caller will commit)."""
    return bool(_session().info.get(_DEPTH, 0))


@contextmanager
def transaction() -> Iterator[Session]:
    """Run a use case: commit when it is the outermost, flush when it is called by another.

    Usable as a ``with`` block or as a decorator (``@transaction()``)."""
    session = _session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth:
            session.flush()
        else:
            session.commit()
    except BaseException:
        if not depth:
            session.rollback()
            session.info.pop(_AFTER, None)
        raise
    finally:
        session.info[_DEPTH] = depth
    if not depth:
        _run_after_commit(session)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the outermost use case has committed (at once outside one)."""
    session = _session()
    if not session.info.get(_DEPTH, 0):
        callback()
        return
    session.info.setdefault(_AFTER, []).append(callback)


def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop(_AFTER, [])
    for callback in callbacks:
        callback()
