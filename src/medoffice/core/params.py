"""Values read from a page's address (``?date=…``), held to ``core.bounds``.

A value that cannot be used raises ``BadParameter``, which Django answers with a 400
page naming the parameter (``core.views.errors.bad_request``), never a 500 and never a
silent fallback to something else.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import BadRequest
from django.http import HttpRequest, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme

from medoffice.core import bounds


class BadParameter(BadRequest):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


def date_param(query: QueryDict, name: str, default: dt.date) -> dt.date:
    """The date in ``?name=YYYY-MM-DD``, or ``default`` when the parameter is absent or empty."""
    raw = query.get(name, "").strip()
    if not raw:
        return default
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, "Enter a date as year-month-day, e.g. 2026-03-14.") from None
    problem = bounds.date_problem(day)
    if problem:
        raise BadParameter(name, problem)
    return day


def local_next(request: HttpRequest, default: str) -> str:
    """The form's ``next`` when it is a path on this site; ``default`` otherwise.

    Never another site (an open redirect) and never a bare word, which Django's
    ``redirect()`` would take for a view name and fail on.
    """
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default
