import pytest
from medoffice.core.roles import Role
from tests.core.test_authorization_matrix import concrete_path, LOGIN
from tests.patients.matrix_rows import ROWS, TARGETS

@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.pattern}")
@pytest.mark.parametrize("role", [*Role, None])
def test_rows(row, role, client_for, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from tests.factories import PatientFactory
    requester = client_for(role) if role is not None else client
    value = ""
    if row.target == "patient":
        value = str(PatientFactory().pk)
    elif row.target:
        value = str(TARGETS[row.target]().pk)
    response = requester.generic(row.method, concrete_path(row, value))
    expected = row.expected(role)
    if expected == LOGIN:
        assert response.status_code == 302
    else:
        assert response.status_code == expected, response.content[:300]
