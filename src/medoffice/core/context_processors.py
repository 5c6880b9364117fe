from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medoffice.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    from medoffice.core.models import Practice

    user = getattr(request, "user", None)
    practice = Practice.current()
    if user is None or not user.is_authenticated:
        return {"nav_menu": [], "current_practice": practice}
    return {
        "nav_menu": menu_for(user, request.path),
        "current_practice": practice,
        "idle_timeout_seconds": getattr(request, "idle_timeout_seconds", 900),
    }
