"""The home page's panels: each app registers what needs attention, each user sees what
the role permits (like the navigation, ``core/navigation.py``).

A panel names the context key its data goes under (tests and templates read it), the
template that draws it (``<app>/panels/<name>.html``, given the data as ``data``), the
permission that shows it, and a function of the user that returns its data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medoffice.core.models import User


@dataclass(frozen=True)
class HomePanel:
    name: str
    template: str
    data: Callable[[Any], Any]
    permission: str | None = None
    order: int = 100

    def visible_to(self, user: User) -> bool:
        return self.permission is None or user.has_perm(self.permission)


_registry: dict[str, HomePanel] = {}


def register(*panels: HomePanel) -> None:
    for panel in panels:
        _registry.setdefault(panel.name, panel)


def panels() -> list[HomePanel]:
    return sorted(_registry.values(), key=lambda p: (p.order, p.name))


def panels_for(user: User) -> list[dict[str, Any]]:
    """The panels this user may see, in order, each with its data computed."""
    return [
        {"name": p.name, "template": p.template, "data": p.data(user)}
        for p in panels()
        if p.visible_to(user)
    ]
