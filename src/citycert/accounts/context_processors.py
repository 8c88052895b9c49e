from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the header shows: program links for admins."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_program_admin": False}
    return {"is_program_admin": policy.ADMIN in policy.program_roles(user)}
