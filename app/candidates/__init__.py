"""Rejected candidates: the list, adding them by hand or from a CSV file, and the rejection e-mail
with the personal link."""
