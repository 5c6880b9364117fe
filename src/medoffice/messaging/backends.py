"""Sending text messages: a small backend interface, chosen by the ``SMS_BACKEND`` setting.

A backend has one method, ``send(to, body) -> str``: it delivers one message to an
E.164 number and returns the provider's id for it, or raises ``SmsError`` with the
provider's own words. Three backends ship:

- ``FileSMSBackend`` (the default): writes one JSON file per message into
  ``SMS_FILE_PATH`` (var/sms/), for the demo and for trying the templates;
- ``ConsoleSMSBackend``: prints each message, for development;
- ``TwilioSMSBackend``: Twilio's REST API (``SMS_ACCOUNT_SID``, ``SMS_AUTH_TOKEN``,
  ``SMS_FROM_NUMBER``; ``SMS_API_BASE_URL`` points elsewhere for a compatible service
  or a test server).

E-mail goes through Django's own e-mail backends, not through this module.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The message could not be delivered; the text says why (the provider's words)."""


class SMSBackend:
    """Delivers one text message; subclasses implement ``send``."""

    def send(self, to: str, body: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class FileSMSBackend(SMSBackend):
    """Writes each message as a JSON file into ``SMS_FILE_PATH`` (one file per message)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory or settings.SMS_FILE_PATH)

    def send(self, to: str, body: str) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        message_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
        payload = {"id": message_id, "to": to, "body": body, "written_at": now.isoformat()}
        path = self.directory / f"{message_id}.json"
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
        return message_id


class ConsoleSMSBackend(SMSBackend):
    """Prints each message to standard output."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, to: str, body: str) -> str:
        message_id = f"console-{secrets.token_hex(4)}"
        self.stream.write(f"SMS to {to}:\n{body}\n{'-' * 40}\n")
        self.stream.flush()
        return message_id


class TwilioSMSBackend(SMSBackend):
    """Twilio's Messages API: ``POST /2010-04-01/Accounts/{sid}/Messages.json``."""

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        from_number: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.account_sid = account_sid if account_sid is not None else settings.SMS_ACCOUNT_SID
        self.auth_token = auth_token if auth_token is not None else settings.SMS_AUTH_TOKEN
        self.from_number = from_number if from_number is not None else settings.SMS_FROM_NUMBER
        self.base_url = (base_url or settings.SMS_API_BASE_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.SMS_TIMEOUT_SECONDS

    def send(self, to: str, body: str) -> str:
        if not (self.account_sid and self.auth_token and self.from_number):
            raise SmsError(
                "Text messages are not set up: SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and "
                "SMS_FROM_NUMBER must all be set."
            )
        sid = urllib.parse.quote(self.account_sid, safe="")
        url = f"{self.base_url}/2010-04-01/Accounts/{sid}/Messages.json"
        data = urllib.parse.urlencode({"To": to, "From": self.from_number, "Body": body})
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the configured API base
            url,
            data=data.encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = _json(response.read())
        except urllib.error.HTTPError as exc:
            answer = _json(exc.read())
            text = answer.get("message") or exc.reason or "no reason given"
            code = answer.get("code")
            raise SmsError(
                f"The SMS provider refused the message ({exc.code}"
                f"{f', error {code}' if code else ''}): {text}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"The SMS provider could not be reached: {reason}") from exc
        message_sid = answer.get("sid")
        if not message_sid:
            raise SmsError("The SMS provider answered without a message id.")
        return str(message_sid)


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def get_sms_backend(path: str | None = None, **kwargs: Any) -> SMSBackend:
    """The backend named by ``path`` or the ``SMS_BACKEND`` setting."""
    backend_class = import_string(path or settings.SMS_BACKEND)
    return backend_class(**kwargs)
