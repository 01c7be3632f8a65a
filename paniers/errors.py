"""Errors that services raise for the user to read."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a message already in the user's language."""

    status_code = 400


class Forbidden(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    status_code = 404


class OutOfStock(ServiceError):
    status_code = 409
