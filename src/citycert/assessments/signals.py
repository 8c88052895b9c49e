"""Signals the parts above assessments listen to, so that this app need not know them."""

from django.dispatch import Signal

#: Sent (with `assessment`, `transition` and `by`) after an assessment's transition commits.
transitioned = Signal()
