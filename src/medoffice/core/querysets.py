"""The one authorization layer: querysets restricted by user and action.

Every list, detail page, API endpoint and export asks
``Model.objects.restrict(user, "view")`` (or "change", "delete", "export"). The
permission checked is ``<app>.<action>_<model>`` unless the queryset class
maps the action to another permission in ``permission_map`` (a model that is
part of another, like a location of the practice, uses that one's permissions);
models that belong to locations name the column in ``location_field`` and users
limited to some locations reach only those rows (a queryset may narrow further by
overriding ``scope_for_user``, as patients do). A user without the permission sees
no rows, so a view that forgets a check still leaks nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Self

from django.db import models

if TYPE_CHECKING:
    from medoffice.core.models import User
    from medoffice.core.permissions import SystemActor


def permission_name(model: type[models.Model], action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


class RestrictedQuerySet(models.QuerySet):
    # Action -> permission, for actions whose permission is not "<app>.<action>_<model>".
    permission_map: ClassVar[Mapping[str, str]] = {}
    # The column naming a row's location, for rows that belong to one: a user limited
    # to some locations reaches only their rows.
    location_field: ClassVar[str | None] = None

    def permission_for(self, action: str) -> str:
        """The permission ``restrict(user, action)`` asks for."""
        return self.permission_map.get(action) or permission_name(self.model, action)

    def restrict(self, user: User | SystemActor | None, action: str = "view") -> Self:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.has_perm(self.permission_for(action)):
            return self.none()
        return self.scope_for_user(user)

    def scope_for_user(self, user: User | SystemActor) -> Self:
        """Rows the user may reach once the permission is granted: all, or their locations'."""
        location_ids = user.location_ids() if self.location_field else None
        if location_ids is None:
            return self
        return self.filter(**{f"{self.location_field}__in": location_ids})
