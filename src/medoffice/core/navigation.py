"""The navigation bar: each app registers its entries; each user sees what the role permits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from medoffice.core.models import User


@dataclass(frozen=True)
class NavEntry:
    area: str
    label: str
    url_name: str
    permission: str | None = None
    order: int = 100

    def visible_to(self, user: User) -> bool:
        return self.permission is None or user.has_perm(self.permission)


_registry: list[NavEntry] = []

# Areas in the order they appear.
AREAS = [
    "Home",
    "Front desk",
    "Patients",
    "Schedule",
    "Billing",
    "Reports",
    "Practice",
    "Security",
    "Account",
]


def register(*entries: NavEntry) -> None:
    for entry in entries:
        if entry not in _registry:
            _registry.append(entry)


def entries() -> list[NavEntry]:
    return list(_registry)


def menu_for(user: User, current_path: str = "") -> list[dict[str, Any]]:
    """Areas with the entries this user may open, in order; empty areas are left out."""
    areas: dict[str, list[dict[str, Any]]] = {}
    for entry in sorted(_registry, key=lambda e: (e.order, e.label)):
        if not entry.visible_to(user):
            continue
        url = reverse(entry.url_name)
        active = current_path == url or (url != "/" and current_path.startswith(url))
        areas.setdefault(entry.area, []).append(
            {"label": entry.label, "url": url, "active": active}
        )
    ordered = [a for a in AREAS if a in areas] + [a for a in areas if a not in AREAS]
    return [
        {"area": a, "entries": areas[a], "active": any(e["active"] for e in areas[a])}
        for a in ordered
    ]
