"""Celery, wired through the application factory.

Tasks are ``@shared_task``, take ids and run inside an application context.
The embedded default uses Kombu's filesystem transport (no server needed);
production sets ``CELERY_BROKER_URL`` to Redis or RabbitMQ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    conf = dict(app.config["CELERY"])
    if conf["broker_url"].startswith("filesystem"):
        folder = Path(app.config["BROKER_DIR"])
        for sub in ("processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    else:
        conf["broker_transport_options"] = {
            "visibility_timeout": app.config.get("CELERY_VISIBILITY_TIMEOUT", 900),
            "socket_connect_timeout": 3,
            # Look for the tasks of dead workers every 10 s (Kombu's default: 100 s).
            "unacked_restore_interval": 10,
            "unacked_restore_throttle": 1,
        }
    conf.setdefault("beat_schedule", {
        "open-and-close-cycles": {
            "task": "paniers.cycles.tasks.advance_cycles",
            "schedule": crontab(minute="*"),
        },
        "pickup-reminders": {  # Europe/Paris: the morning of pickup day
            "task": "paniers.notifications.tasks.send_pickup_reminders",
            "schedule": crontab(hour="8", minute="0"),
        },
        "resend-pending-messages": {
            "task": "paniers.notifications.tasks.resend_pending",
            "schedule": crontab(minute="*/10"),
        },
        "subscription-orders-sweep": {
            "task": "paniers.subscriptions.tasks.sweep_open_cycles",
            "schedule": crontab(minute="*/10"),
        },
        "expire-payment-reservations": {  # online orders not paid in time
            "task": "paniers.payments.tasks.expire_reservations",
            "schedule": crontab(minute="*"),
        },
        "payments-sweep": {  # events and refunds whose hand-off to a worker was lost
            "task": "paniers.payments.tasks.sweep",
            "schedule": crontab(minute="*/5"),
        },
    })
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(conf)
    celery_app.set_default()
    celery_app.autodiscover_tasks(["paniers.cycles", "paniers.allocation", "paniers.delivery",
                                   "paniers.subscriptions", "paniers.notifications", "canteens",
                                   "paniers.payments", "paniers.accounts"],
                                  related_name="tasks", force=True)
    app.extensions["celery"] = celery_app
    return celery_app
