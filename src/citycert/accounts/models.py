"""People and what they are to the program: accounts, program roles, city memberships,
invitations and coach grants. Who may do what with them is decided in policy.py alone."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycert import languages


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Signs in with an email address; there are no usernames."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    # The language emails and notifications reach them in: set when they sign up (the
    # language they signed up in), changed on their account page. Empty: the site's default.
    language = models.CharField(
        _("language for emails"), max_length=8, choices=languages.choices, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email


class ProgramRole(models.Model):
    """A role in the program itself, across cities: reviewer, program admin, partner coach."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("Reviewer")
        ADMIN = "admin", _("Program admin")
        COACH = "coach", _("Partner coach")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="program_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_program_role")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Membership(models.Model):
    """A person acting for a city: its lead (manages the team, submits) or a contributor."""

    class Role(models.TextChoices):
        LEAD = "lead", _("City lead")
        CONTRIBUTOR = "contributor", _("Contributor")

    city = models.ForeignKey("cities.City", models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["city", "-role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="one_membership_per_city")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.city} ({self.get_role_display()})"

    def get_additional_data(self) -> dict[str, Any]:
        """Lets the audit trail be filtered by city."""
        return {"city_id": self.city_id}


class CoachGrant(models.Model):
    """Formerly: a city let one partner coach read its work. Superseded by the coaching
    engagements of partner organisations (partners.Engagement), into which partners migration
    0003 turned every grant; nothing reads these rows any more. Kept until that migration has
    run everywhere, then to be dropped."""

    city = models.ForeignKey("cities.City", models.CASCADE, related_name="coach_grants")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="coach_grants")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "coach"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_grant_per_coach",
            )
        ]

    def __str__(self) -> str:
        return f"{self.coach} coaches {self.city}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.city_id}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def by_token(self, token: str) -> Invitation | None:
        return self.filter(token_hash=_token_hash(token)).first()


class Invitation(models.Model):
    """An email invitation to join a city's team. Only the token's hash is stored; the token
    itself is in the emailed link, works once, and expires."""

    VALID_FOR = timedelta(days=14)

    city = models.ForeignKey("cities.City", models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.city}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.city_id}

    def issue_token(self) -> str:
        """A fresh random token for this invitation; returned once, stored only as a hash."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _token_hash(token)
        self.expires_at = timezone.now() + self.VALID_FOR
        return token

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def by_token(self, token: str) -> ApiToken | None:
        """The live token with this value, with its owner, or None."""
        return (
            self.active()
            .select_related("user")
            .filter(token_hash=_token_hash(token), user__is_active=True)
            .first()
        )


class ApiToken(models.Model):
    """A personal token for the JSON API. The token itself is shown once, when it is created;
    only its hash is stored. A read token may only read; a write token may also change what
    its owner may change. Revoking keeps the record."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    PREFIX = "cct_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    def issue_token(self) -> str:
        """A fresh random token; returned once, stored only as a hash."""
        token = self.PREFIX + secrets.token_urlsafe(32)
        self.token_hash = _token_hash(token)
        return token

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class Notification(models.Model):
    """An email the program sent (or is sending) to a person, as they read it: kept so that
    they can find it again on their dashboard. Sent by a background task, so that no page
    waits on the mail server. Never holds a secret (invitation and password links are sent
    directly, not through here)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    city = models.ForeignKey(
        "cities.City", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    link = models.CharField(max_length=500, blank=True)  # a path on this site
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"
