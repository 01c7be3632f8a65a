"""Where a redirect may send the browser when the target comes from the request (a
``next`` parameter, the ``Referer``): only a path of this site, else a fallback.

A browser reading ``Location`` drops tabs and line breaks anywhere, trims spaces and
control characters, takes ``\\`` for ``/`` and ``//host`` for another site; so
``/%09/evil.example`` (a tab between the slashes) is ``//evil.example``. The target
is cleaned the same way first, then refused when it has a scheme, a host, a
backslash, or does not start with a single ``/``.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import request


def _cleaned(target: str) -> str:
    return "".join(c for c in target
                   if not (c.isspace() or unicodedata.category(c) == "Cc"))


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` cleaned when it is a path of this site, else ``fallback``."""
    path = _cleaned(target or "")
    if "\\" in path or not path.startswith("/") or path.startswith("//"):
        return fallback
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return fallback
    return path


def safe_referrer(fallback: str) -> str:
    """The page the request came from, when it is of this site (its path and query),
    else ``fallback``. Browsers send the whole address: its host must be this one."""
    referrer = _cleaned(request.referrer or "")
    parts = urlsplit(referrer)
    if parts.netloc or parts.scheme:
        if parts.scheme not in ("http", "https") or parts.netloc != request.host:
            return fallback
        referrer = parts._replace(scheme="", netloc="", fragment="").geturl()
    return safe_next(referrer, fallback)
