"""The production server does not name itself and its version (issue "Security", point 7)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def first_answer(url: str, deadline: float) -> tuple[int, dict[str, str]]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as refused:
            return refused.code, dict(refused.headers)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def served(tmp_path):
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "medoffice.wsgi:application"]
        + ["-c", "python:medoffice.gunicorn_conf", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--log-level", "warning"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_responses_do_not_name_gunicorn_or_its_version(served):
    _status, headers = first_answer(f"{served}/accounts/login/", time.monotonic() + 30)
    assert headers["Server"] == "MedOffice"
