"""Reads of core's data for pages other than its own lists (the home page's panels)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from medoffice.core.models import AuditEvent, AuditVerification, User


def audit_summary(user: User) -> dict[str, Any]:
    """The audit log's size and its last verification, as the user may see them.

    ``newer``: the entries written since that check, which it could not cover (entries
    are numbered without gaps, so the chain's length less the entries checked)."""
    status = AuditVerification.objects.restrict(user, "view").first()
    count = AuditEvent.objects.restrict(user, "view").count()
    newer = max(count - status.entries_checked, 0) if status else count
    return {"status": status, "count": count, "newer": newer}


def account_summary(user: User) -> dict[str, Any]:
    """The user accounts at a glance for the home page: how many are active, locked out,
    still to set up two-step log-in; each count is the rows of the Users list its link
    opens (the same filters, ``core/filters.py``)."""
    from medoffice.core.filters import locked_users, mfa_pending_users

    users = User.objects.restrict(user, "view")
    return {
        "active": users.filter(is_active=True).count(),
        "locked": sorted(locked_users(users).values_list("username", flat=True)),
        "mfa_pending": mfa_pending_users(users).count(),
    }


@dataclass(frozen=True)
class LockOut:
    """An account django-axes has locked: after how many failed log-ins, the last when.
    It stays locked until someone unlocks it (no cool-off: ``AXES_COOLOFF_TIME``)."""

    failures: int
    last_failure: dt.datetime
    until: dt.datetime | None


def lock_outs() -> dict[str, LockOut]:
    """The locked accounts by user name, in one query."""
    from axes.models import AccessAttempt
    from django.conf import settings

    cooloff = settings.AXES_COOLOFF_TIME
    out: dict[str, LockOut] = {}
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).values_list("username", "failures_since_start", "attempt_time")
    for username, failures, last in attempts:
        known = out.get(username)
        if known is None or last > known.last_failure:
            until = last + cooloff if isinstance(cooloff, dt.timedelta) else None
            out[username] = LockOut(failures, last, until)
    return out


def users_with_authenticator(ids: list[int]) -> set[int]:
    """Which of these users have set up an authenticator app for the two-step log-in."""
    from medoffice.core.models import AuthenticatorApp

    return set(
        AuthenticatorApp.objects.filter(user_id__in=ids, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
