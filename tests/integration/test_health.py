"""``/health`` for the proxy and the monitoring: the database and the broker, in JSON."""

from __future__ import annotations

from paniers import create_app
from paniers.extensions import db
from tests.support.services import closed_port, need_redis, redis_celery, unique_queue


def health(database_url: str, celery: dict | None = None) -> tuple[int, dict]:
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True}
    if celery is not None:
        config["CELERY"] = celery
    app = create_app(config)
    response = app.test_client().get("/health")
    with app.app_context():
        db.engine.dispose()
    return response.status_code, response.get_json()


def test_health_is_ok_when_the_database_and_the_embedded_broker_answer(database_url):
    assert health(database_url) == (200, {"status": "ok", "database": "ok", "broker": "ok"})


def test_health_is_ok_on_redis(database_url):
    need_redis()
    assert health(database_url, redis_celery(unique_queue("health"))) == (
        200, {"status": "ok", "database": "ok", "broker": "ok"})


def test_health_names_the_broker_when_it_is_down(database_url):
    down = redis_celery(unique_queue("health"), f"redis://127.0.0.1:{closed_port()}/0")
    assert health(database_url, down) == (503, {
        "status": "unavailable", "database": "ok", "broker": "unavailable",
        "failed": ["broker"]})


def test_health_names_the_database_when_it_is_down():
    down = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/paniers"
    assert health(down) == (503, {
        "status": "unavailable", "database": "unavailable", "broker": "ok",
        "failed": ["database"]})
