"""The security headers every response carries."""

from __future__ import annotations

from urllib.parse import urlsplit


def tile_origin(tile_url: str) -> str:
    """The origin map tiles come from, as a CSP source: ``{s}`` subdomains become ``*``."""
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.rpartition("@")[2].replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> str:
    """Only this site's files run: no inline script or style, no framing by another site."""
    images = " ".join(filter(None, ("'self'", "data:", tile_origin(tile_url))))
    return "; ".join((
        "default-src 'self'",
        f"img-src {images}",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ))


STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # The CSP's frame-ancestors, for browsers that predate it.
    "X-Frame-Options": "DENY",
}
