"""Finding a data snapshot again: it is kept in the account of the person who took it.

- Signed in when taking it, the person owns it at once (`Snapshot.person`).
- Anonymous, the browser's session remembers the snapshots taken in it; when the person signs
  up or signs in from that browser, those not owned yet become theirs (`attach_remembered`,
  connected to allauth's `user_signed_up` and `user_logged_in` in apps.py).
- Asked to, the program emails the link to the result (`email_link`): the link carries a signed
  key, so that it opens the result in any browser. The address is used for that email only and
  never stored.

A result is otherwise reached only by its owner, or from the browser that took it: its id is an
unguessable UUID, and the key is bound to that id.
"""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.db import transaction
from django.urls import reverse

from citycert.accounts.models import User

from .models import Snapshot

SESSION_KEY = "snapshots"
#: How many snapshots a browser remembers (the latest).
REMEMBERED = 10
_SALT = "citycert.snapshot-link"


def remembered(session: SessionBase) -> list[str]:
    """The ids of the snapshots this browser took (or opened with a key), oldest first."""
    found = session.get(SESSION_KEY, [])
    return [str(pk) for pk in found] if isinstance(found, list) else []


def remember(session: SessionBase, snapshot: Snapshot) -> None:
    ids = [pk for pk in remembered(session) if pk != str(snapshot.pk)]
    session[SESSION_KEY] = [*ids, str(snapshot.pk)][-REMEMBERED:]


def attach_remembered(user: User, session: SessionBase) -> int:
    """Give `user` the snapshots this browser remembers that nobody owns yet; how many."""
    ids = remembered(session)
    if not ids:
        return 0
    return Snapshot.objects.filter(pk__in=ids, person__isnull=True).update(person=user)


def on_sign_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """The receiver of allauth's user_signed_up and user_logged_in."""
    if request is not None and user is not None and hasattr(request, "session"):
        attach_remembered(user, request.session)


def key(snapshot: Snapshot) -> str:
    return signing.dumps(str(snapshot.pk), salt=_SALT)


def key_opens(snapshot: Snapshot, given: str) -> bool:
    """Whether `given` is the key of this snapshot's emailed link."""
    if not given:
        return False
    try:
        return bool(signing.loads(given, salt=_SALT) == str(snapshot.pk))
    except signing.BadSignature:
        return False


def opens(
    snapshot: Snapshot, user: Any, session: SessionBase, given_key: str
) -> Literal["keep", "read"] | None:
    """What this person may do with the result: "keep" it (theirs, or nobody's yet and taken or
    opened with its key in this browser), only "read" it (the emailed link, in someone else's
    account), or nothing (None: it is not found). A key opening a snapshot nobody owns makes the
    browser remember it, so that signing in here keeps it."""
    if snapshot.person_id is not None and snapshot.person_id == getattr(user, "pk", None):
        return "keep"
    with_key = key_opens(snapshot, given_key)
    if snapshot.person_id is not None:
        return "read" if with_key else None
    if with_key:
        remember(session, snapshot)
    return "keep" if str(snapshot.pk) in remembered(session) else None


def link(snapshot: Snapshot) -> str:
    """The path of the result with its key: it opens in any browser."""
    path = reverse("assessments:snapshot_result", args=[snapshot.pk])
    return f"{path}?key={key(snapshot)}"


def email_link(snapshot: Snapshot, email: str, language: str) -> None:
    """Send the link to the result to `email`, in `language`, from the background worker once
    the snapshot is saved."""
    from .tasks import email_snapshot_link

    pk = str(snapshot.pk)
    transaction.on_commit(lambda: email_snapshot_link.enqueue(pk, email, language))


def send_link(snapshot_id: str, email: str, language: str) -> None:
    """Render and send the email with the link (the task's work)."""
    from django.utils import translation

    from citycert.accounts import emails

    snapshot = Snapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return
    with translation.override(language):
        emails.send(
            "snapshot_link",
            [email],
            {"snapshot": snapshot, "link": emails.absolute(link(snapshot))},
        )
