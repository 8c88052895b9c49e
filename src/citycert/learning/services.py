"""Writes of learning resources: create and edit, and the life draft → published → archived.

Each function checks the step is allowed, records who took it and when, and runs in one
transaction; the audit trail keeps every change (the app registers the model with auditlog).
Who may take a step is asked in `queries.may_edit` by the views and the API before calling.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycert.partners.models import Organisation
from citycert.standards.models import Criterion, PracticeArea

from .models import Resource, State


class LearningError(Exception):
    """A step that cannot be taken (its message says why, for the person who tried)."""


@transaction.atomic
def save(
    resource: Resource | None,
    *,
    title: str,
    summary: str,
    body: str,
    url: str,
    kind: str,
    languages: Iterable[str],
    organisation: Organisation | None,
    audience: str,
    criteria: Iterable[Criterion],
    areas: Iterable[PracticeArea],
    by: Any,
) -> Resource:
    """Create a draft (`resource` None) or change a resource (in any state but archived)."""
    if resource is None:
        resource = Resource(created_by=by, state=State.DRAFT)
    elif resource.state == State.ARCHIVED:
        raise LearningError(_("An archived resource cannot be changed."))
    if not url and not body:
        raise LearningError(_("Give a link, a description, or both."))
    resource.title, resource.summary, resource.body, resource.url = title, summary, body, url
    resource.kind, resource.audience, resource.organisation = kind, audience, organisation
    resource.languages = ",".join(sorted(set(languages)))
    resource.save()
    resource.criteria.set(list(criteria))
    resource.areas.set(list(areas))
    return resource


@transaction.atomic
def publish(resource: Resource, by: Any) -> Resource:
    """Draft → published: shown on /learn/ and in the Learn panels from now on."""
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.state != State.DRAFT:
        raise LearningError(_("Only a draft can be published."))
    locked.state, locked.published_at, locked.published_by = State.PUBLISHED, timezone.now(), by
    locked.save(update_fields=["state", "published_at", "published_by", "updated_at"])
    return locked


@transaction.atomic
def archive(resource: Resource, by: Any) -> Resource:
    """Draft or published → archived: no longer shown anywhere but to its editors."""
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.state == State.ARCHIVED:
        raise LearningError(_("This resource is archived already."))
    locked.state, locked.archived_at, locked.archived_by = State.ARCHIVED, timezone.now(), by
    locked.save(update_fields=["state", "archived_at", "archived_by", "updated_at"])
    return locked
