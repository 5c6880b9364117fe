"""Writes for the core app: log-in and log-out, users and roles, the practice, API tokens.

Each function owns its transaction, validates, writes and records the audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from medoffice.core import auditchain
from medoffice.core.audit import record_change, record_event, verify_chain
from medoffice.core.error_codes import CoreErrorCode
from medoffice.core.failures import record_anonymous_failure
from medoffice.core.models import (
    TOKEN_MAX_DAYS,
    ApiToken,
    AuditAction,
    AuditOutcome,
    Location,
    Practice,
    RoleAssignment,
    TokenAccess,
    User,
)
from medoffice.core.permissions import Actor, require
from medoffice.core.roles import Permission, Role

# --- sessions -------------------------------------------------------------


def log_in(request: HttpRequest, user: User) -> None:
    login(request, user)
    from medoffice.core.middleware import bind_user

    bind_user(request)
    record_event(AuditAction.LOGIN, user=user, object_type="core.user", object_id=user.pk)


def record_failed_login(
    username: str, *, locked: bool = False, step: str = "password", throttled: bool = False
) -> None:
    """A refused log-in: at the password (``step="password"``) or the two-step code ("code")."""
    if locked:
        detail = "account locked"
    elif step == "code" and throttled:
        detail = "two-step code refused while paused after wrong codes"
    elif step == "code":
        detail = "wrong two-step code"
    else:
        detail = "wrong user name or password"
    outcome = AuditOutcome.DENIED if locked else AuditOutcome.FAILURE
    # An account's failures are few (five lock it) and each is recorded. Attempts on a
    # locked account, or with a name that is no account, can go on for ever: they are
    # counted per address and minute (core/failures.py).
    if locked or (step == "password" and not User.objects.filter(username=username).exists()):
        record_anonymous_failure(
            "locked log-in" if locked else "log-in",
            action=AuditAction.LOGIN_FAILED,
            object_type="core.user",
            username=username,
            outcome=outcome,
            detail=detail,
        )
        return
    record_event(
        AuditAction.LOGIN_FAILED,
        username=username,
        object_type="core.user",
        outcome=outcome,
        detail=detail,
    )


def log_out(request: HttpRequest, *, reason: str = "user") -> None:
    user = request.user
    if user.is_authenticated:
        record_event(
            AuditAction.LOGOUT,
            user=user,
            object_type="core.user",
            object_id=user.pk,
            detail="idle time-out" if reason == "idle" else "",
        )
    logout(request)


def end_sessions(user: User, *, reason: str, actor: User | None = None) -> None:
    """End every session of ``user`` at once, server-side, and record why.

    One UPDATE raises the user's ``session_generation``, which changes the session auth
    hash (core/models/users.py): Django refuses and flushes each of the user's sessions
    on its next request, in every browser, with no extra query per request and no list of
    session keys to keep. The user's API tokens are suspended by the same conditions
    (``authenticate_api_token``), not by this call.
    """
    from django.db.models import F

    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    record_event(
        AuditAction.SECURITY,
        user=actor,
        username=user.username if actor is None else "",
        object_type="core.user",
        object_id=user.pk,
        detail=f"all sessions of {user.username} ended: {reason}",
    )


def lock_out_user(username: str) -> None:
    """django-axes locked the account (core/apps.py connects its signal): end its sessions."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        end_sessions(user, reason="account locked after failed log-ins")


def is_locked_out(username: str) -> bool:
    from axes.models import AccessAttempt
    from django.conf import settings

    locked: bool = AccessAttempt.objects.filter(
        username=username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
    return locked


def record_mfa_verified(user: User, device: Any) -> None:
    record_event(
        AuditAction.LOGIN,
        user=user,
        object_type="core.user",
        object_id=user.pk,
        detail=f"second step passed ({device._meta.verbose_name})",
    )


# --- users and roles ------------------------------------------------------


@transaction.atomic
def create_user(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    roles: Iterable[Role | str],
    locations: Iterable[Location] = (),
    title: str = "",
    must_change_password: bool = False,
) -> User:
    require(actor, Permission.CHANGE_USER, "Your role does not change user accounts.")
    from django.contrib.auth.password_validation import validate_password

    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        title=title,
        must_change_password=must_change_password,
    )
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    record_event(AuditAction.CREATE, user=actor, obj=user, detail=f"user {username} created")
    set_roles(actor=actor, user=user, roles=roles, locations=locations)
    return user


@transaction.atomic
def update_user(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    title: str,
    is_active: bool,
) -> User:
    require(actor, Permission.CHANGE_USER, "Your role does not change user accounts.")
    if user.pk == actor.pk and not is_active:
        raise ValidationError(
            {
                "is_active": ValidationError(
                    "You cannot deactivate your own account.",
                    code=CoreErrorCode.CANNOT_DEACTIVATE_SELF,
                )
            }
        )
    user.first_name, user.last_name, user.email, user.title = first_name, last_name, email, title
    was_active = user.is_active
    user.is_active = is_active
    record_change(user, user=actor, exclude=["password"], detail="account details changed")
    if was_active != is_active:
        record_event(
            AuditAction.PERMISSION_CHANGE,
            user=actor,
            obj=user,
            detail="account activated" if is_active else "account deactivated",
        )
        if not is_active:
            end_sessions(user, reason="account deactivated", actor=actor)
    return user


@transaction.atomic
def set_roles(
    *, actor: User, user: User, roles: Iterable[Role | str], locations: Iterable[Location]
) -> None:
    require(actor, Permission.CHANGE_USER, "Your role does not change user accounts.")
    new_roles = {Role(r) for r in roles}
    if not new_roles:
        raise ValidationError(
            {
                "roles": ValidationError(
                    "Give the user at least one role.", code=CoreErrorCode.ROLE_REQUIRED
                )
            }
        )
    if user.pk == actor.pk and Role.OFFICE_MANAGER in user.role_set - new_roles:
        raise ValidationError(
            {
                "roles": ValidationError(
                    "You cannot remove your own office manager role.",
                    code=CoreErrorCode.CANNOT_REMOVE_OWN_MANAGER_ROLE,
                )
            }
        )
    old_roles = set(user.role_set)
    old_locations = set(user.locations.values_list("pk", flat=True))
    new_locations = {loc.pk for loc in locations}
    RoleAssignment.objects.filter(user=user).exclude(role__in=[r.value for r in new_roles]).delete()
    for role in new_roles - old_roles:
        RoleAssignment.objects.create(user=user, role=role.value)
    user.locations.set(new_locations)
    user.forget_cached_roles()
    if old_roles != new_roles or old_locations != new_locations:
        record_event(
            AuditAction.PERMISSION_CHANGE,
            user=actor,
            obj=user,
            detail=(
                f"roles {sorted(r.value for r in old_roles)} → {sorted(r.value for r in new_roles)}; "
                f"locations {sorted(old_locations) or 'all'} → {sorted(new_locations) or 'all'}"
            ),
        )
    removed = old_roles - new_roles
    if removed:
        # Tokens act with the owner's current roles on each request: nothing to re-issue.
        end_sessions(
            user,
            reason="role removed: " + ", ".join(sorted(r.value for r in removed)),
            actor=actor,
        )


def change_password(
    *, user: User, old_password: str, new_password: str, new_password_again: str | None = None
) -> User:
    """The user chooses a new password; every other session of theirs ends.

    The session hash mixes in the password hash, so the change ends the user's sessions in
    every other browser; the view keeps the one the change was made in.
    """
    errors: dict[str, list[ValidationError]] = {}
    if not user.check_password(old_password):
        errors["old_password"] = [
            ValidationError("That is not your current password.", code=CoreErrorCode.WRONG_PASSWORD)
        ]
    if new_password_again is not None and new_password_again != new_password:
        errors["new_password2"] = [
            ValidationError("The two new passwords differ.", code=CoreErrorCode.PASSWORDS_DIFFER)
        ]
    if new_password and new_password == old_password:
        errors["new_password1"] = [
            ValidationError(
                "Choose a password different from the current one.",
                code=CoreErrorCode.PASSWORD_UNCHANGED,
            )
        ]
    else:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(new_password, user)
        except ValidationError as exc:
            errors["new_password1"] = [
                ValidationError(message, code=CoreErrorCode.PASSWORD_REJECTED)
                for message in exc.messages
            ]
    if errors:
        if "old_password" in errors:
            record_event(
                AuditAction.SECURITY,
                user=user,
                obj=user,
                outcome=AuditOutcome.DENIED,
                detail="password change refused: wrong current password",
            )
        raise ValidationError(errors)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        record_event(
            AuditAction.SECURITY,
            user=user,
            obj=user,
            detail="password changed by the user; their other sessions ended",
        )
    return user


@transaction.atomic
def require_password_change(*, actor: User, user: User) -> User:
    """The user must choose a new password before anything else at their next request."""
    require(actor, Permission.CHANGE_USER, "Your role does not change user accounts.")
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    record_event(
        AuditAction.SECURITY,
        user=actor,
        obj=user,
        detail=f"{user.username} must choose a new password at next log-in",
    )
    return user


def unlock_user(*, actor: User, username: str) -> int:
    """Clear the lock-out of an account; returns how many failure records were cleared."""
    require(actor, Permission.CHANGE_USER, "Your role does not change user accounts.")
    from axes.utils import reset

    cleared: int = reset(username=username)
    record_event(
        AuditAction.SECURITY,
        user=actor,
        object_type="core.user",
        object_id=User.objects.filter(username=username).values_list("pk", flat=True).first() or "",
        detail=f"account {username} unlocked",
    )
    return cleared


def verify_audit_chain(*, actor: Actor) -> auditchain.ChainReport:
    """Walk the whole audit chain now (the home page's "Verify now"), keeping the result.

    The request is recorded first, so the check covers its own entry and the home page
    then shows every entry verified."""
    require(actor, Permission.VIEW_AUDITEVENT, "Your role does not read the audit log.")
    record_event(
        AuditAction.SECURITY,
        user=actor,
        object_type="core.auditverification",
        detail="audit chain verification asked for from the home page",
    )
    return verify_chain(save=True)


def locked_usernames() -> list[str]:
    from axes.models import AccessAttempt
    from django.conf import settings

    return sorted(
        set(
            AccessAttempt.objects.filter(
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT
            ).values_list("username", flat=True)
        )
    )


# --- practice ---------------------------------------------------------------


@transaction.atomic
def create_practice(*, actor: Actor, **fields: Any) -> Practice:
    """The practice of a new installation; there is one per database."""
    require(actor, Permission.CHANGE_PRACTICE, "Your role does not change the practice.")
    if Practice.objects.exists():
        raise ValidationError(
            "This installation already has its practice; edit it instead.",
            code=CoreErrorCode.PRACTICE_EXISTS,
        )
    return record_change(Practice(**fields), user=actor, detail="practice created")


@transaction.atomic
def update_practice(*, actor: User, practice: Practice, **fields: Any) -> Practice:
    require(actor, Permission.CHANGE_PRACTICE, "Your role does not change the practice.")
    before = {k: getattr(practice, k) for k in fields}
    for key, value in fields.items():
        setattr(practice, key, value)
    practice.full_clean()
    practice.save()
    changed = sorted(k for k in fields if before[k] != getattr(practice, k))
    action = (
        AuditAction.SECURITY
        if {"require_mfa_for_everyone", "idle_timeout_minutes"} & set(changed)
        else AuditAction.UPDATE
    )
    record_event(action, user=actor, obj=practice, detail="changed: " + ", ".join(changed))
    return practice


# --- API tokens -------------------------------------------------------------

TOKEN_PREFIX = "mo_"  # noqa: S105 - a public prefix, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_error(field: str, message: str, code: CoreErrorCode) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


@transaction.atomic
def create_api_token(
    *,
    user: User,
    name: str,
    expires_in_days: int = 90,
    access: TokenAccess | str = TokenAccess.READ,
    areas: Iterable[str] | None = None,
    mfa_verified: bool = False,
) -> tuple[ApiToken, str]:
    """A new personal token; the raw value is returned once and never stored.

    Its scope is ``access`` and ``areas`` (slugs of api/base.py AREAS; None gives every
    area); it expires after 1 to 365 days. ``mfa_verified`` says whether the session that
    asked for it had passed the second step (only then may it read the audit log).
    """
    from medoffice.api.base import token_areas

    name = name.strip()
    if not name:
        raise _token_error(
            "name",
            "Give the token a name that says what it is for.",
            CoreErrorCode.TOKEN_NAME_REQUIRED,
        )
    if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise _token_error(
            "expires_in_days",
            f"A token expires after 1 to {TOKEN_MAX_DAYS} days.",
            CoreErrorCode.TOKEN_EXPIRY_INVALID,
        )
    known = [slug for slug, _tag in token_areas()]
    chosen = known if areas is None else [a for a in known if a in set(areas)]
    if not chosen or (areas is not None and set(areas) - set(known)):
        raise _token_error(
            "areas",
            "Choose the areas the token may use: " + ", ".join(known) + ".",
            CoreErrorCode.TOKEN_AREAS_REQUIRED,
        )
    access = TokenAccess(access)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:80],
        prefix=raw[:10],
        token_hash=hash_token(raw),
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days),
        access=access,
        areas=chosen,
        mfa_verified=mfa_verified,
    )
    record_event(
        AuditAction.CREATE,
        user=user,
        obj=token,
        detail=(
            f"API token “{token.name}” created: {access.label.lower()}, areas "
            f"{', '.join(chosen)}, expires in {expires_in_days} days"
            + (", after a two-step check" if mfa_verified else "")
        ),
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk and not actor.has_perm(Permission.CHANGE_USER):
        raise PermissionDenied("You can revoke only your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        whose = "" if token.user_id == actor.pk else f" of {token.user.username}"
        record_change(
            token,
            user=actor,
            action=AuditAction.SECURITY,
            validate=False,
            update_fields=["revoked_at"],
            detail=f"API token “{token.name}”{whose} revoked",
        )


def record_token_failure(*, object_id: str | int = "", throttled: bool = False) -> None:
    """A bad API token from someone unknown: counted per address and minute (core/failures.py)."""
    record_anonymous_failure(
        "api token",
        action=AuditAction.LOGIN_FAILED,
        object_type="core.apitoken",
        object_id=object_id,
        outcome=AuditOutcome.DENIED,
        detail="API token refused by the rate limit unchecked"
        if throttled
        else "API token unknown, revoked or expired",
        throttled=throttled,
    )


def authenticate_api_token(raw: str) -> User | None:
    """The active owner of a valid, unrevoked, unexpired token; the use is audited."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None or not token.is_active:
        record_token_failure(object_id=token.pk if token else "")
        return None
    # Suspended, not revoked: the token works again once the account is unlocked or active.
    suspended = ""
    if not token.user.is_active:
        suspended = "account deactivated"
    elif is_locked_out(token.user.username):
        suspended = "account locked"
    if suspended:
        record_event(
            AuditAction.LOGIN_FAILED,
            username=token.user.username,
            object_type="core.apitoken",
            object_id=token.pk,
            outcome=AuditOutcome.DENIED,
            detail=f"API token “{token.name}” suspended: {suspended}",
        )
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user.api_token = token
    return token.user
