"""Who may do what at the front desk: each row of matrix_rows.py requested as every role."""

from __future__ import annotations

import re

import pytest

from medoffice.core.roles import Role
from tests.core.test_authorization_matrix import LOGIN
from tests.frontdesk.matrix_rows import ROWS, TARGETS

pytestmark = pytest.mark.django_db

CASES = [
    pytest.param(row, role, id=f"{row.method} {row.pattern} as {role or 'anonymous'}")
    for row in ROWS
    for role in [*Role, None]
]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_front_desk_access(row, role, client_for, client, practice):
    requester = client_for(role) if role is not None else client
    path = row.pattern
    if row.target:
        path = re.sub(r"<(?:\w+:)?\w+>", str(TARGETS[row.target]().pk), path)
    response = requester.generic(row.method, path)
    expected = row.expected(role)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected, f"{row.method} {path} as {role}"
