from __future__ import annotations

import pytest


@pytest.fixture
def sms_dir(settings, tmp_path):
    """Text messages written by the file backend land here."""
    settings.SMS_BACKEND = "medoffice.messaging.backends.FileSMSBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    return tmp_path / "sms"
