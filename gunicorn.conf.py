"""gunicorn settings for Paniers: ``gunicorn -c gunicorn.conf.py paniers.wsgi:app``.

Everything can be set from the environment, so that the same file serves on a laptop,
behind a proxy, or in a container:

- ``HOST`` (default 127.0.0.1: behind a proxy on the same machine) and ``PORT`` (8000);
- ``WEB_CONCURRENCY``: worker processes (default 2 per core, plus 1);
- ``WEB_THREADS``: threads per worker (default 1: plain sync workers);
- ``WEB_TIMEOUT``: seconds a request may take before its worker is replaced (30);
- ``ACCESS_LOG``: where the access log goes (``-``, standard output, by default).
"""

from __future__ import annotations

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# Requests are short: a page or an order is a few queries. Anything longer is a job for
# the Celery workers, so a request stuck this long is a bug and its worker is replaced.
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5  # behind a proxy that reuses its connections

# Replace workers now and then, staggered, so that a slow leak never takes the site down.
max_requests = 2000
max_requests_jitter = 200

accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
# Who, what, status, size and the time taken in milliseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
