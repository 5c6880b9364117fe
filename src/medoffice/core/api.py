"""Core API operations: me, practice, locations, users, audit events."""

from __future__ import annotations

from ninja import Router, Schema

router = Router(tags=["core"])


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    roles: list[str]
    permissions: list[str]


@router.get("/me", response=MeOut, summary="The user the request acts as")
def me(request):  # type: ignore[no-untyped-def]
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": sorted(r.value for r in user.role_set),
        "permissions": sorted(user.get_all_permissions()),
    }
