"""Authentication backend whose permissions come from the user's roles (core/roles.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from medoffice.core.roles import permissions_for


class RoleBackend(ModelBackend):
    """Password log-in as Django's, with permissions granted by roles, not per-user rows.

    Superusers are not special-cased: every permission comes from a role, so the
    role matrix in docs/security.md is the whole truth.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cached = getattr(user_obj, "_medoffice_perm_cache", None)
        if cached is None:
            cached = set(permissions_for(user_obj.role_set))
            user_obj._medoffice_perm_cache = cached
        return cached

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self.get_all_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))
