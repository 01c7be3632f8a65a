"""Helpers for the integration tests that run real servers and worker processes."""
