"""The Twilio adapter against a local HTTP server that answers like Twilio's Messages API."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from medoffice.scheduling import reminders
from tests.factories import SYSTEM
from tests.messaging.factories import ReachablePatientFactory, ReminderRuleFactory, open_weekday_at
from tests.scheduling.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

SID = "AC00000000000000000000000000000001"
TOKEN = "test-auth-token"
FROM = "+14135550199"


class FakeTwilio(BaseHTTPRequestHandler):
    """Records each request; answers 201 with a message sid, or 400 like Twilio's errors."""

    requests: list[dict] = []
    refuse = False

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        type(self).requests.append(
            {"path": self.path, "auth": self.headers["Authorization"], "form": form}
        )
        if type(self).refuse:
            status, answer = (
                400,
                {
                    "code": 21211,
                    "message": f"The 'To' number {form.get('To')} is not a valid phone number.",
                    "status": 400,
                },
            )
        else:
            status, answer = 201, {"sid": "SM0123456789abcdef", "status": "queued"}
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def twilio(settings):
    FakeTwilio.requests = []
    FakeTwilio.refuse = False
    server = HTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "medoffice.messaging.backends.TwilioSMSBackend"
    settings.SMS_API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.SMS_ACCOUNT_SID, settings.SMS_AUTH_TOKEN, settings.SMS_FROM_NUMBER = SID, TOKEN, FROM
    yield FakeTwilio
    server.shutdown()
    server.server_close()


@pytest.fixture
def visit(practice):
    ReminderRuleFactory(hours_before=24, channel="sms")
    return AppointmentFactory(
        patient=ReachablePatientFactory(), start=open_weekday_at(10, days_ahead=7)
    )


def test_twilio_gets_the_message_with_basic_auth_and_its_form_fields(twilio, visit):
    reminders.run_once(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    [request] = twilio.requests
    message = visit.messages.get()
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request["form"] == {"To": visit.patient.phone, "From": FROM, "Body": message.body}
    assert message.status == "sent"


def test_a_message_twilio_refuses_is_marked_failed_with_twilios_words(twilio, visit):
    twilio.refuse = True

    report = reminders.run_once(visit.start - dt.timedelta(hours=23), actor=SYSTEM)[1]

    message = visit.messages.get()
    assert report.failed == 1
    assert message.status == "failed"
    assert "error 21211" in message.error
    assert f"The 'To' number {visit.patient.phone} is not a valid phone number." in message.error


def test_an_unreachable_sms_provider_marks_the_message_failed(settings, visit):
    settings.SMS_BACKEND = "medoffice.messaging.backends.TwilioSMSBackend"
    settings.SMS_API_BASE_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    settings.SMS_ACCOUNT_SID, settings.SMS_AUTH_TOKEN, settings.SMS_FROM_NUMBER = SID, TOKEN, FROM

    reminders.run_once(visit.start - dt.timedelta(hours=23), actor=SYSTEM)

    message = visit.messages.get()
    assert message.status == "failed"
    assert message.error.startswith("The SMS provider could not be reached")
