"""What every app's demo builder shares: sizes, "now", one random stream per builder, bulk
inserts that keep a given ``auto_now_add`` value, and weighted draws. No domain here: the
builders live in their apps (``<app>/demo.py``) and register in ``core.demo.registry``."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

from medoffice.core.models import User

BATCH = 2000

_T = TypeVar("_T")


@dataclass(frozen=True)
class FrontOfficeSize:
    patients: int = 5000
    past_days: int = 365
    future_days: int = 61
    waitlist: int = 30
    recalls: int = 300


FULL = FrontOfficeSize()


def demo_size(context: dict[str, Any]) -> FrontOfficeSize:
    """The context's size, else the setting ``DEMO_FRONT_OFFICE_SIZE`` (tests of the
    `demo-data` command shrink the demo with it), else the full demo."""
    from django.conf import settings

    return (
        context.get("front_office_size")
        or getattr(settings, "DEMO_FRONT_OFFICE_SIZE", None)
        or FULL
    )


def demo_now(context: dict[str, Any]) -> dt.datetime:
    return context.get("front_office_now") or timezone.now()


def demo_rng(seed: int, part: str) -> random.Random:
    """One generator per builder, so skipping one builder does not change another's rows."""
    return random.Random(f"{seed}:front-office:{part}")


def demo_users(context: dict[str, Any]) -> dict[str, User]:
    users = context.get("users")
    if users:
        return users
    return {u.username: u for u in User.objects.all()}


@contextlib.contextmanager
def keep_given(model: type[models.Model], *names: str) -> Iterator[None]:
    """Let bulk_create store the given value of an auto_now_add field (a visit booked weeks
    before it happened). The demo command runs alone; the flag is restored at once."""
    fields: list[models.DateField[Any, Any]] = []
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, models.DateField):
            raise TypeError(f"{model.__name__}.{name} is not a date field")
        fields.append(field)
    try:
        for f in fields:
            f.auto_now_add = False
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Insert plain tuples with executemany: for the big tables whose rows need no model
    logic (slot claims, status changes, links). Datetimes must go through ``db_datetime``."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - our own names
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH * 5):
            cursor.executemany(sql, rows[first : first + BATCH * 5])


def db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def weighted(rng: random.Random, pairs: Sequence[tuple[_T, float]]) -> _T:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def birthday(rng: random.Random, today: dt.date, years: tuple[int, int]) -> dt.date:
    low, high = years
    return today - dt.timedelta(days=rng.randrange(low * 365 + 1, high * 365))
