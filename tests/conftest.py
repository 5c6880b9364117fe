from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client

from medoffice.core.roles import Role
from tests.factories import LocationFactory, PracticeFactory, UserFactory

PRACTICE_ZONE = ZoneInfo("America/New_York")  # the zone PracticeFactory gives the practice
CLOCK_VARIABLE = "MEDOFFICE_TEST_CLOCK"


def practice_time_today(hour: int, minute: int = 0) -> dt.datetime:
    """Today (in the practice's zone) at ``hour:minute`` practice time, as an aware datetime."""
    today = dt.datetime.now(PRACTICE_ZONE).date()
    return dt.datetime.combine(today, dt.time(hour, minute), tzinfo=PRACTICE_ZONE)


@pytest.fixture(autouse=True)
def _clock_from_the_environment() -> Iterator[None]:
    """``MEDOFFICE_TEST_CLOCK=23:58`` starts every test's clock at that practice time today.

    The clock keeps ticking from there. It is how ``test_any_time_of_day`` runs a sample
    of the suite just before and just after midnight; a test that needs a time of day of
    its own travels again inside it (``clock_at``), and the innermost travel wins.
    """
    value = os.environ.get(CLOCK_VARIABLE, "")
    if not value:
        yield
        return
    hour, minute = (int(part) for part in value.split(":"))
    with time_machine.travel(practice_time_today(hour, minute), tick=True):
        yield


class _OneRequestAtATime:
    """A WSGI application that lets one request use the database at a time.

    On SQLite the test database is in memory, and Django hands the live server's
    request threads the test's own connection (the only one that sees it). Two
    requests at once (a page and its type-ahead fetch) then share one sqlite3
    connection, which fails with "cannot open savepoint - SQL statements in
    progress". The threads still accept connections (a browser's keep-alive
    connection must not block the others); only the application is taken in turn,
    until the response, streamed or not, is closed.
    """

    def __init__(self, application: Callable[..., Any]) -> None:
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.lock.acquire()
        try:
            result = self.application(environ, start_response)
        except BaseException:
            self.lock.release()
            raise
        return _ReleasedOnClose(result, self.lock)


class _ReleasedOnClose:
    def __init__(self, result: Any, lock: threading.Lock) -> None:
        self.result = result
        self.lock = lock
        self.released = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.result)

    def close(self) -> None:
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            if not self.released:
                self.released = True
                self.lock.release()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server; on in-memory SQLite it takes requests one at a time."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        server = live_server.thread.httpd
        application = server.get_app()
        if not isinstance(application, _OneRequestAtATime):
            server.set_app(_OneRequestAtATime(application))
    return live_server


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with Django's cache empty: what one test kept (the revenue panel's
    finished months, keyed by ids a rolled-back test database hands out again) never
    answers another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def audit_checkpoint_file(tmp_path_factory, settings) -> Path:
    """Each test keeps its own external audit checkpoints (core/auditcheckpoints.py).

    Every intact verification appends one to the file, and the next verification
    compares the chain with it: the checkpoints of another test's chain would not match.
    """
    path = tmp_path_factory.mktemp("audit") / "audit-checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = path
    settings.AUDIT_CHECKPOINT_SYSLOG = ""
    settings.AUDIT_CHECKPOINT_URL = ""
    return path


@pytest.fixture
def clock_at() -> Iterator[Callable[..., dt.datetime]]:
    """``clock_at(10, 30)`` runs the rest of the test from 10:30 practice time today (ticking)."""
    with contextlib.ExitStack() as stack:

        def travel(hour: int, minute: int = 0, *, tick: bool = True) -> dt.datetime:
            moment = practice_time_today(hour, minute)
            stack.enter_context(time_machine.travel(moment, tick=tick))
            return moment

        yield travel


@pytest.fixture
def practice(db):
    return PracticeFactory()


@pytest.fixture
def location(practice):
    return LocationFactory(practice=practice)


def login_client(user, *, verified: bool = True) -> Client:
    """A test client logged in as ``user``; ``verified`` marks the second step as passed."""
    client = Client()
    client.force_login(user, backend="medoffice.core.auth.RoleBackend")
    if verified:
        from medoffice.core.models import RecoveryCodes

        device, _ = RecoveryCodes.objects.get_or_create(
            user=user, name="test device", confirmed=True
        )
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(practice):
    """``client_for(Role.OFFICE_MANAGER)`` gives a logged-in, MFA-verified client."""

    def make(*roles: Role, locations=None, verified: bool = True, **fields) -> Client:
        user = UserFactory(roles=list(roles), locations=locations or [], **fields)
        client = login_client(user, verified=verified)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def desk(client_for, location):
    """A front-desk client working at ``location``."""
    return client_for(Role.FRONT_DESK, locations=[location])


@contextlib.contextmanager
def database_on_disk(tmp_path: Path) -> Iterator[None]:
    """On SQLite, let new connections (a test's threads) open a file copy of the data so far.

    pytest-django's SQLite test database is in memory with a shared cache, whose
    table locks ("database table is locked") ignore the busy timeout; production
    runs on a WAL file where BEGIN IMMEDIATE queues writers for up to 20 s. The
    threads must see the production locking, so they get a copy on disk (the
    settings' ``init_command`` puts it in WAL mode as each connection opens). The
    test's own connection keeps the in-memory name so it is not really closed.
    """
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    # The copy is put in WAL mode here, and this connection stays open until the end,
    # as a running server's would: otherwise the threads' first connections convert
    # the file from rollback mode all at once, and each last close removes the WAL
    # while another thread opens it. Both can answer "database is locked" at once,
    # without the busy timeout (sqlite.org/wal.html, "Sometimes queries return
    # SQLITE_BUSY in WAL mode"); CI saw it once (session 20).
    keeper = sqlite3.connect(path)
    connection.connection.backup(keeper)
    keeper.execute("PRAGMA journal_mode=WAL")
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        # Back to the in-memory name first: closing the test's connection under the
        # file's name would really close it, and the in-memory database with it.
        connection.settings_dict["NAME"] = original
        keeper.close()


@pytest.fixture
def on_disk_database(tmp_path):
    """``database_on_disk`` for the whole test, from the data its fixtures made."""
    with database_on_disk(tmp_path):
        yield


def in_new_thread(read: Callable[[], Any]) -> Any:
    """Run ``read`` on a connection of its own (the test's may still be the in-memory one)."""
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(read())
        finally:
            connection.close()

    reader = threading.Thread(target=run)
    reader.start()
    reader.join()
    (result,) = results
    return result
