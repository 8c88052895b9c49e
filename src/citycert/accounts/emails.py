"""Emails about teams and roles: plain text and HTML, from templates, in the sender's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from citycert.cities.models import City

from .models import Invitation, Membership, User
from .notifications import absolute as absolute  # one owner; callers use emails.absolute too


def send(template: str, to: list[str], context: dict[str, Any]) -> None:
    """Render accounts/email/<template>_subject.txt, .txt and .html and send them."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
    text = render_to_string(f"accounts/email/{template}.txt", context)
    html = render_to_string(f"accounts/email/{template}.html", context)
    message = EmailMultiAlternatives(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


def send_invitation(invitation: Invitation, token: str) -> None:
    send(
        "invitation",
        [invitation.email],
        {
            "invitation": invitation,
            "city": invitation.city,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "link": absolute(reverse("accounts:invitation", args=[token])),
        },
    )


def send_role_changed(membership: Membership, old_role: str, by: User) -> None:
    send(
        "role_changed",
        [membership.user.email],
        {
            "city": membership.city,
            "new_role": membership.get_role_display(),
            "old_role": old_role,
            "by": by,
            "link": absolute(reverse("accounts:team", args=[membership.city.slug])),
        },
    )


def send_removed(user: User, city: City, by: User) -> None:
    send("removed", [user.email], {"city": city, "by": by})
