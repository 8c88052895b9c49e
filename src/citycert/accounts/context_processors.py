from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the header shows: a menu for each kind of person (admin, reviewer, city staff)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_program_admin": False, "is_reviewer": False}
    roles = policy.program_roles(user)
    return {"is_program_admin": policy.ADMIN in roles, "is_reviewer": policy.REVIEWER in roles}
