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
