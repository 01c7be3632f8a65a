"""Configuration from environment variables: one settings module.

The embedded default (no variable set) is SQLite and a Celery broker on the
filesystem under ``instance/``, so that ``make run`` needs no server. In
production every value comes from the environment.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def instance_dir() -> Path:
    path = Path(os.environ.get("PANIERS_INSTANCE_DIR", ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(folder: Path) -> str:
    """A key kept in the instance folder so sessions survive a restart of the demo."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _ratelimit_storage(broker_url: str) -> str:
    """Where the throttling counts live: shared by every web process on Redis."""
    if uri := os.environ.get("RATELIMIT_STORAGE_URI"):
        return uri
    if broker_url.startswith(("redis://", "rediss://")):
        return broker_url
    return "memory://"  # the embedded default: one process, counts kept in it


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value not in ("0", "false", "no", "off")


def _cookies_secure() -> bool:
    """Cookies over HTTPS only, unless set otherwise: a deployment (``DATABASE_URL`` set)
    is served over HTTPS; the embedded default is ``make run`` on plain HTTP."""
    return _flag("SESSION_COOKIE_SECURE", "DATABASE_URL" in os.environ)


def from_environment() -> dict[str, Any]:
    """Read every setting of the application from the environment."""
    folder = instance_dir()
    broker_dir = folder / "broker"
    broker_url = os.environ.get("CELERY_BROKER_URL", "filesystem://")
    throttle_storage = _ratelimit_storage(broker_url)
    return {
        "SECRET_KEY": _secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{folder / 'paniers.sqlite'}"
        ),
        "CELERY": {
            "broker_url": broker_url,
            "result_backend": os.environ.get(
                "CELERY_RESULT_BACKEND", f"db+sqlite:///{folder / 'celery-results.sqlite'}"
            ),
            "broker_transport_options": {
                "data_folder_in": str(broker_dir),
                "data_folder_out": str(broker_dir),
                "processed_folder": str(broker_dir / "processed"),
                "control_folder": str(broker_dir / "control"),
                "store_processed": False,
            },
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "timezone": "Europe/Paris",
            "enable_utc": True,
            "task_default_queue": os.environ.get("CELERY_QUEUE", "celery"),
            # Fail fast when the broker is down: a web request that enqueues answers
            # within a few seconds with a clear message instead of hanging.
            "broker_connection_timeout": 3,
            "broker_connection_retry_on_startup": True,
            "redis_socket_connect_timeout": 3,
            "task_publish_retry_policy": {
                "max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1,
            },
        },
        "BROKER_DIR": str(broker_dir),
        # Redis: a task not acknowledged within this many seconds (its worker died) is
        # delivered again. Longer than the longest task; short in the fault tests.
        "CELERY_VISIBILITY_TIMEOUT": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900")),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", ""),
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en"),
        # The session cookie: HTTPS only (see above), never sent by a cross-site form post
        # or frame, and read back for at most SESSION_LIFETIME_H hours after login.
        "SESSION_COOKIE_SECURE": _cookies_secure(),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _cookies_secure(),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(
            hours=float(os.environ.get("SESSION_LIFETIME_H", "12"))),
        # A form left open longer is refused with the 400 page ("formulaire expiré ?").
        "WTF_CSRF_TIME_LIMIT": 2 * 3600,
        # The largest request body read (bytes): a form of the whole catalogue is a few
        # tens of kB; anything larger is refused with 413 before it is parsed.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024))),
        # Throttling of logins and registrations (Flask-Limiter), per client address and
        # per account (the e-mail typed). Limits as "10/minute", "5/hour"...
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        "RATELIMIT_STORAGE_URI": throttle_storage,
        "RATELIMIT_STORAGE_OPTIONS": ({"socket_connect_timeout": 3, "socket_timeout": 3}
                                      if throttle_storage.startswith("redis") else {}),
        # Redis down: count in each process rather than refuse every login.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "THROTTLE_LOGIN_PER_ADDRESS": os.environ.get("THROTTLE_LOGIN_PER_ADDRESS", "10/minute"),
        "THROTTLE_LOGIN_PER_ACCOUNT": os.environ.get("THROTTLE_LOGIN_PER_ACCOUNT", "5/minute"),
        "THROTTLE_REGISTER_PER_ADDRESS": os.environ.get("THROTTLE_REGISTER_PER_ADDRESS",
                                                        "5/hour"),
        "THROTTLE_REGISTER_PER_ACCOUNT": os.environ.get("THROTTLE_REGISTER_PER_ACCOUNT",
                                                        "5/hour"),
        # "Mot de passe oublié ?": each request may send a message.
        "THROTTLE_RESET_PER_ADDRESS": os.environ.get("THROTTLE_RESET_PER_ADDRESS", "10/hour"),
        "THROTTLE_RESET_PER_ACCOUNT": os.environ.get("THROTTLE_RESET_PER_ACCOUNT", "5/hour"),
        "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", ""),
        # The longest the rounds' search may run (the coordinator picks it when planning);
        # the search takes what the week's size calls for within it.
        "ROUTING_TIME_LIMIT_S": float(os.environ.get("ROUTING_TIME_LIMIT_S", "60")),
        # The driver's hour in the rounds' cost (cents): rounds that wait hours cost it.
        "ROUTING_DRIVER_COST_PER_HOUR_CENTS": int(os.environ.get(
            "ROUTING_DRIVER_COST_PER_HOUR_CENTS", "2000")),
        # Mail: through this SMTP server when set; otherwise written as .eml files to the
        # outbox folder (the embedded default), never sent anywhere.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Paniers du Lensois <paniers@localhost>"),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(folder / "outbox")),
        # Links in the mails.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        **invoice_settings(),
    }


# The seller on every invoice (the collective) and its VAT status. The defaults are the
# demo's: an association under the VAT franchise (art. 293 B du CGI), so no VAT is charged
# and the invoices say so (lines at 0 %, category E in the Factur-X XML). Charging VAT
# (5.5 % on food) is not built: it would need net prices and a VAT breakdown per rate.
INVOICE_DEFAULTS = {
    "INVOICE_SELLER_NAME": "Paniers du Lensois (association)",
    "INVOICE_SELLER_STREET": "Base 11/19, rue de Bourgogne",
    "INVOICE_SELLER_POSTCODE": "62750",
    "INVOICE_SELLER_CITY": "Loos-en-Gohelle",
    "INVOICE_SELLER_SIRET": "90000000100009",  # fictitious, for the demo
    "INVOICE_SELLER_EMAIL": "coordination@paniers.demo",
    "INVOICE_SELLER_IBAN": "",
    "INVOICE_VAT_MENTION": "TVA non applicable, art. 293 B du CGI",
    "INVOICE_PAYMENT_DAYS": "30",
}


def invoice_settings() -> dict[str, str]:
    return {key: os.environ.get(key, default) for key, default in INVOICE_DEFAULTS.items()}
