"""Two-step log-in with an authenticator app and one-time recovery codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP, totp

from medoffice.core.models import AuditAction, AuditEvent, AuthenticatorApp, RecoveryCodes
from medoffice.core.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def current_code(device: AuthenticatorApp) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def code_of_window(device: AuthenticatorApp, window: int) -> str:
    otp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    otp.time = device.t0 + window * device.step
    return f"{otp.token():0{device.digits}d}"


def wrong_code(device: AuthenticatorApp) -> str:
    return f"{(int(current_code(device)) + 500000) % 1000000:06d}"


def password_step(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def enrol(client: Client) -> tuple[AuthenticatorApp, list[str]]:
    client.get("/accounts/mfa/enrol/")
    device = AuthenticatorApp.objects.get(confirmed=False)
    response = client.post("/accounts/mfa/enrol/", {"code": current_code(device)}, follow=True)
    return device, response.context["codes"]


@pytest.fixture
def manager(practice):
    return UserFactory(roles=[Role.OFFICE_MANAGER], username="maria")


@pytest.fixture
def enrolled_manager(manager):
    _, codes = enrol(password_step("maria"))
    manager.recovery_codes = codes
    return manager


def test_office_manager_without_a_device_is_sent_to_enrol(manager):
    client = password_step("maria")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/mfa/enrol/"


def test_enrol_page_shows_a_qr_code_and_the_secret(manager):
    response = password_step("maria").get("/accounts/mfa/enrol/")
    assert response.status_code == 200
    assert "<svg" in response.content.decode()
    assert response.context["secret"]


def test_enrolling_with_a_correct_code_confirms_the_device_and_shows_ten_recovery_codes(manager):
    client = password_step("maria")
    device, codes = enrol(client)
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.SECURITY, detail__contains="MFA enrolled"
    ).exists()


def test_recovery_codes_are_shown_once(manager):
    client = password_step("maria")
    enrol(client)
    assert client.get("/accounts/mfa/recovery-codes/").context["codes"] is None


def test_enrolling_with_a_wrong_code_is_refused_and_audited(manager):
    client = password_step("maria")
    client.get("/accounts/mfa/enrol/")
    device = AuthenticatorApp.objects.get(confirmed=False)
    response = client.post("/accounts/mfa/enrol/", {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEvent.objects.filter(
        action=AuditAction.SECURITY, outcome="failure", detail__contains="rejected"
    ).exists()
    assert client.get("/")["Location"] == "/accounts/mfa/enrol/"


def test_later_log_in_asks_for_the_code(enrolled_manager):
    client = password_step("maria")
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa/verify/")


def test_later_log_in_passes_with_the_apps_next_code(enrolled_manager):
    device = AuthenticatorApp.objects.get(user=enrolled_manager)
    device.t0 -= device.step  # the next window: the app shows a new code
    device.save()
    client = password_step("maria")
    response = client.post("/accounts/mfa/verify/?next=/audit/", {"code": current_code(device)})
    assert response["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, detail__contains="second step passed (authenticator app)"
    ).exists()


def test_a_code_already_used_is_refused(enrolled_manager):
    device = AuthenticatorApp.objects.get(user=enrolled_manager)
    used = code_of_window(device, device.last_t)  # the code typed at enrolment
    client = password_step("maria")
    response = client.post("/accounts/mfa/verify/", {"code": used})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_a_wrong_code_is_refused_and_audited(enrolled_manager):
    device = AuthenticatorApp.objects.get(user=enrolled_manager)
    client = password_step("maria")
    response = client.post("/accounts/mfa/verify/", {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.username == "maria"
    assert failed.detail == "wrong two-step code"
    assert client.get("/")["Location"].startswith("/accounts/mfa/verify/")


class Clock:
    """Django's clock held still (``timezone.now``, which django-otp's throttling reads)."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def tick(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    held = Clock()
    monkeypatch.setattr(timezone, "now", lambda: held.now)
    return held


def next_window(device: AuthenticatorApp) -> AuthenticatorApp:
    """The device as it is when the app shows a code not used yet (the enrolment one was)."""
    device.t0 -= device.step
    device.save()
    return device


def test_a_correct_code_right_after_a_wrong_one_is_told_to_wait_not_called_wrong(
    enrolled_manager, clock
):
    device = next_window(AuthenticatorApp.objects.get(user=enrolled_manager))
    client = password_step("maria")
    client.post("/accounts/mfa/verify/", {"code": wrong_code(device)})
    response = client.post("/accounts/mfa/verify/", {"code": current_code(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Too many tries: wait 1 second and enter the current code again."
    ]
    assert client.get("/")["Location"].startswith("/accounts/mfa/verify/")


def test_a_code_typed_while_paused_is_audited_as_such(enrolled_manager, clock):
    device = next_window(AuthenticatorApp.objects.get(user=enrolled_manager))
    client = password_step("maria")
    client.post("/accounts/mfa/verify/", {"code": wrong_code(device)})
    client.post("/accounts/mfa/verify/", {"code": current_code(device)})
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("seq")
    assert list(failed.values_list("detail", flat=True)) == [
        "wrong two-step code",
        "two-step code refused while paused after wrong codes",
    ]


def test_the_wait_named_grows_with_each_wrong_code(enrolled_manager, clock):
    device = next_window(AuthenticatorApp.objects.get(user=enrolled_manager))
    client = password_step("maria")
    client.post("/accounts/mfa/verify/", {"code": wrong_code(device)})
    clock.tick(1.5)
    client.post("/accounts/mfa/verify/", {"code": wrong_code(device)})
    response = client.post("/accounts/mfa/verify/", {"code": current_code(device)})
    assert response.context["form"].errors["code"] == [
        "Too many tries: wait 2 seconds and enter the current code again."
    ]


def test_the_correct_code_passes_once_the_wait_is_over(enrolled_manager, clock):
    device = next_window(AuthenticatorApp.objects.get(user=enrolled_manager))
    client = password_step("maria")
    client.post("/accounts/mfa/verify/", {"code": wrong_code(device)})
    clock.tick(2)
    response = client.post("/accounts/mfa/verify/", {"code": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_enrolment_code_typed_right_after_a_wrong_one_is_told_to_wait(manager, clock):
    client = password_step("maria")
    client.get("/accounts/mfa/enrol/")
    device = AuthenticatorApp.objects.get(confirmed=False)
    client.post("/accounts/mfa/enrol/", {"code": wrong_code(device)})
    response = client.post("/accounts/mfa/enrol/", {"code": current_code(device)})
    assert response.context["form"].errors["code"] == [
        "Too many tries: wait 1 second and enter the current code again."
    ]
    device.refresh_from_db()
    assert not device.confirmed


def test_enrolment_code_typed_while_paused_is_audited_as_refused(manager, clock):
    client = password_step("maria")
    client.get("/accounts/mfa/enrol/")
    device = AuthenticatorApp.objects.get(confirmed=False)
    client.post("/accounts/mfa/enrol/", {"code": wrong_code(device)})
    client.post("/accounts/mfa/enrol/", {"code": current_code(device)})
    refused = AuditEvent.objects.filter(action=AuditAction.SECURITY, outcome="failure")
    assert list(refused.order_by("seq").values_list("detail", flat=True)) == [
        "MFA enrolment code rejected",
        "MFA enrolment code refused while paused after wrong codes",
    ]


def test_a_recovery_code_works_once_only(enrolled_manager):
    code = enrolled_manager.recovery_codes[0]
    first = password_step("maria")
    assert first.post("/accounts/mfa/verify/", {"code": code})["Location"] == "/"
    assert first.get("/").status_code == 200
    second = password_step("maria")
    response = second.post("/accounts/mfa/verify/", {"code": code})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert RecoveryCodes.objects.get(user=enrolled_manager).codes.count() == 9


def test_front_desk_is_not_forced_to_enrol(practice):
    UserFactory(roles=[Role.FRONT_DESK], username="jordan")
    assert password_step("jordan").get("/").status_code == 200


def test_front_desk_must_enrol_when_the_practice_requires_it_for_everyone(practice):
    practice.require_mfa_for_everyone = True
    practice.save()
    UserFactory(roles=[Role.FRONT_DESK], username="jordan")
    response = password_step("jordan").get("/")
    assert response["Location"] == "/accounts/mfa/enrol/"


def test_front_desk_with_a_device_is_asked_for_the_code(practice):
    user = UserFactory(roles=[Role.FRONT_DESK], username="jordan")
    AuthenticatorApp.objects.create(user=user, name="app", confirmed=True)
    response = password_step("jordan").get("/")
    assert response["Location"].startswith("/accounts/mfa/verify/")


def test_office_manager_resets_a_users_mfa_and_they_enrol_again(enrolled_manager, client_for):
    other_manager = client_for(Role.OFFICE_MANAGER)
    response = other_manager.post(f"/users/{enrolled_manager.pk}/reset-mfa/")
    assert response.status_code == 302
    assert not AuthenticatorApp.objects.filter(user=enrolled_manager).exists()
    assert not RecoveryCodes.objects.filter(user=enrolled_manager).exists()
    assert password_step("maria").get("/")["Location"] == "/accounts/mfa/enrol/"
    event = AuditEvent.objects.get(action=AuditAction.SECURITY, detail__startswith="MFA reset")
    assert event.user_id == other_manager.user.pk
    assert event.object_id == str(enrolled_manager.pk)


def test_only_the_office_manager_resets_mfa(enrolled_manager, client_for):
    hr = client_for(Role.HR)
    assert hr.post(f"/users/{enrolled_manager.pk}/reset-mfa/").status_code == 403
    assert AuthenticatorApp.objects.filter(user=enrolled_manager, confirmed=True).exists()
