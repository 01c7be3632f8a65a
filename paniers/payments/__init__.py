"""Payments: online through Stripe Checkout, at pickup, refunds, solidarity baskets."""
