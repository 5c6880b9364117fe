"""Checking permissions in services, and the actor of work the system does itself.

Pages and the API fetch through ``Model.objects.restrict(user, action)``
(core/querysets.py); a service that writes checks its actor with ``require()``.
Work nobody at a screen started (a periodic task, a management command, the demo
builders, a patient's own confirm/cancel link) passes a ``SystemActor`` named after
it: it holds every permission, reaches every row, and the audit log records it as
"system: <name>". No service takes ``None`` for an actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

from django.core.exceptions import PermissionDenied

from medoffice.core.roles import Permission, Role

if TYPE_CHECKING:
    from medoffice.core.models import User

SYSTEM_PREFIX: Final = "system: "


class SystemActor:
    """The system doing work of its own (``SystemActor("reminders")``)."""

    is_system: Final = True
    is_authenticated: Final = True
    is_active: Final = True
    pk: Final = None
    role_set: Final[frozenset[Role]] = frozenset()

    def __init__(self, name: str) -> None:
        if not name.strip():
            raise ValueError("A system actor is named after the work it does.")
        self.name = name.strip()

    def __str__(self) -> str:
        return f"{SYSTEM_PREFIX}{self.name}"

    def __repr__(self) -> str:
        return f"SystemActor({self.name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SystemActor) and other.name == self.name

    def __hash__(self) -> int:
        return hash((SystemActor, self.name))

    def get_username(self) -> str:
        return str(self)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return True

    def location_ids(self) -> None:
        """Every location: the system's work is not limited to some."""
        return None


Actor: TypeAlias = "User | SystemActor"


def require(actor: Actor, permission: Permission | str, message: str) -> None:
    """PermissionDenied with ``message`` unless ``actor`` holds ``permission``.

    The one check services (and the API's ``require_permission``) make. ``permission``
    is a ``Permission``; a plain string only where ``restrict()`` derived the name
    from a model. There is no actor that skips the check: work done by the system
    passes a ``SystemActor``, which holds every permission.
    """
    if actor is None:  # a caller typed without mypy; never a silent pass
        raise TypeError("require() needs an actor: a user or a SystemActor.")
    if not actor.has_perm(permission):
        raise PermissionDenied(message)


def actor_user(actor: Actor) -> User | None:
    """The user row to store as "done by" (created_by, booked_by…): none for the system."""
    return None if isinstance(actor, SystemActor) else actor
