"""The lists' filters (core/filtersets.py): any value either filters or is refused
naming its field, never an error of another kind; dates held to 1900–2100."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.core.filters import AuditFilter, UserFilter
from medoffice.core.filtersets import FilterFormBase, filter_rows
from medoffice.core.models import AuditEvent, User
from medoffice.core.roles import Role
from medoffice.patients.filters import PatientFilter
from medoffice.patients.models import Patient
from medoffice.scheduling.filters import RecallFilter, WaitlistFilter
from medoffice.scheduling.models import Recall, WaitlistEntry

pytestmark = pytest.mark.django_db

FILTERS = [
    (AuditFilter, AuditEvent),
    (UserFilter, User),
    (PatientFilter, Patient),
    (RecallFilter, Recall),
    (WaitlistFilter, WaitlistEntry),
]

values = st.one_of(
    st.text(max_size=200),
    st.integers(),
    st.booleans(),
    st.sampled_from(["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31T23:59:59Z"]),
)


@pytest.mark.parametrize(("filterset", "model"), FILTERS, ids=lambda v: v.__name__)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_value_filters_or_is_refused_naming_its_field(practice, filterset, model, data):
    name = data.draw(st.sampled_from(sorted(filterset.base_filters)))
    value = data.draw(values)
    refused: set[str] = set()
    try:
        list(filter_rows(filterset, model.objects.all(), {name: value}))
    except ValidationError as error:
        refused = set(error.error_dict)
    assert refused in ({name}, set())


@pytest.mark.parametrize("day", ["1899-12-31", "2101-01-01"])
def test_a_date_outside_1900_to_2100_is_refused(practice, day):
    with pytest.raises(ValidationError) as refused:
        filter_rows(RecallFilter, Recall.objects.all(), {"due_by": day})
    assert list(refused.value.error_dict) == ["due_by"]


def test_an_api_name_is_refused_by_its_own_name(practice):
    with pytest.raises(ValidationError) as refused:
        filter_rows(
            RecallFilter,
            Recall.objects.all(),
            {"due_before": "soon"},
            rename={"due_before": "due_by"},
        )
    assert list(refused.value.error_dict) == ["due_before"]


def test_a_value_not_given_leaves_the_rows_alone(practice):
    kept = filter_rows(UserFilter, User.objects.all(), {"q": None, "role": None, "active": None})
    assert kept.count() == User.objects.count()


def test_a_refused_hidden_filter_names_itself_on_the_page(client_for):
    response = client_for(Role.OFFICE_MANAGER).get("/audit/", {"since": "yesterday"})
    assert response.status_code == 400
    assert 'data-field-error="since"' in response.content.decode()


@pytest.mark.parametrize(("filterset", "model"), FILTERS, ids=lambda v: v.__name__)
def test_every_filter_builds_its_form_on_the_house_base(filterset, model):
    assert issubclass(filterset().form.__class__, FilterFormBase)


def test_the_page_form_keeps_bootstraps_classes(client_for):
    form = client_for(Role.OFFICE_MANAGER).get("/audit/").context["form"]
    assert form["action"].field.widget.attrs["class"] == "form-select form-select-sm"
    assert form["user"].field.widget.attrs["class"] == "form-select form-select-sm"
