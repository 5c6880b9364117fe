from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import (  # type: ignore[attr-defined]  # django-stubs omits the private _user_has_* helpers
    AbstractUser,
    UserManager,
    _user_has_module_perms,
    _user_has_perm,
)
from django.db import models
from django.utils.crypto import salted_hmac

from medoffice.core.querysets import RestrictedQuerySet

if TYPE_CHECKING:
    from medoffice.core.models.tokens import ApiToken
from medoffice.core.roles import MFA_REQUIRED_ROLES, Permission, Role, permissions_for


class RestrictedUserManager(UserManager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]  # mypy takes a from_queryset() base for a dynamic one
    pass


class User(AbstractUser):  # type: ignore[django-manager-missing]  # the two-step devices' reverse managers: their django-otp base has no type hints
    """A member of staff who logs in. Each has a unique user name (164.312(a)(2)(i))."""

    title = models.CharField("job title", max_length=80, blank=True)
    locations = models.ManyToManyField(
        "core.Location",
        blank=True,
        related_name="users",
        help_text="Leave empty to give access to every location.",
    )
    session_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised to end every session of the user at once (services.end_sessions).",
    )
    must_change_password = models.BooleanField(
        "must choose a new password",
        default=False,
        help_text="Set by the office manager or at account creation; cleared when the user "
        "chooses a new password.",
    )
    objects: ClassVar[RestrictedUserManager] = RestrictedUserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    if TYPE_CHECKING:
        # Set on the token's user by services.authenticate_api_token.
        api_token: ApiToken

        def is_verified(self) -> bool:
            """Set on request.user by django_otp's OTPMiddleware: signed in with a second factor."""
            ...

    # Django checks this hash, stored in the session at log-in, on every request and
    # flushes the session when it no longer matches (as after a password change). Mixing
    # in ``session_generation`` lets one UPDATE end all the user's sessions, in every
    # browser, with no extra query per request. Generation 0 gives Django's own hash, so
    # sessions opened before this field existed stay valid.
    def _session_hash(self, secret: str | bytes | None = None) -> str:
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password
        if self.session_generation:
            value = f"{value}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Any:
        from django.conf import settings

        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_set(self) -> frozenset[Role]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            if self.pk is None:
                cached = frozenset()
            else:
                # .all(), not values_list: a list prefetches the assignments (UserListPage)
                cached = frozenset(Role(a.role) for a in self.role_assignments.all())
            self._role_cache = cached
        return cached

    # Django lets an active superuser pass every permission check; here roles are the whole
    # truth (core/auth.py), so the superuser flag grants nothing.
    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return self.is_active and _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and _user_has_module_perms(self, app_label)

    def forget_cached_roles(self) -> None:
        for attr in ("_role_cache", "_medoffice_perm_cache", "_location_ids_cache"):
            if hasattr(self, attr):
                delattr(self, attr)

    @property
    def role_labels(self) -> list[str]:
        return sorted(role.label for role in self.role_set)

    @property
    def role_permissions(self) -> frozenset[str]:
        return permissions_for(self.role_set)

    def mfa_required(self, practice_requires_all: bool = False) -> bool:
        return practice_requires_all or bool(self.role_set & MFA_REQUIRED_ROLES)

    def location_ids(self) -> frozenset[int] | None:
        """The locations this user is limited to, or None for every location."""
        if not hasattr(self, "_location_ids_cache"):
            ids = frozenset(self.locations.values_list("id", flat=True)) if self.pk else frozenset()
            self._location_ids_cache: frozenset[int] | None = ids or None
        return self._location_ids_cache


class RoleAssignmentQuerySet(RestrictedQuerySet):
    """A user's roles: seen and changed with the user accounts' permissions."""

    permission_map = {"view": Permission.VIEW_USER, "change": Permission.CHANGE_USER}


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in Role])
    assigned_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {Role(self.role).label}"
