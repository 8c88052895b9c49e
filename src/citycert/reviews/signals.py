"""Signals other parts of the program listen to, so that reviews need not know about them."""

from django.dispatch import Signal

#: Sent (with `city_ids`) after published certifications were added or corrected.
certifications_published = Signal()
