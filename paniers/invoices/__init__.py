"""Invoices and credit notes: numbered without gaps per year, frozen once issued."""
