"""Reads of core's data for pages other than its own lists (the home page's panels)."""

from __future__ import annotations

from typing import Any

from medoffice.core.models import AuditEvent, AuditVerification, User


def audit_summary(user: User) -> dict[str, Any]:
    """The audit log's size and its last verification, as the user may see them."""
    return {
        "status": AuditVerification.objects.restrict(user, "view").first(),
        "count": AuditEvent.objects.restrict(user, "view").count(),
    }


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
