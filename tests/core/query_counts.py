"""SQL query counts of every page and GET API operation, against a committed baseline.

The targets come from the URL resolver (every page pattern outside the configuration
admin) and from the OpenAPI schema (every GET operation); the path parameters are filled
by the authorization matrix's targets (``tests/core/test_authorization_matrix.py`` and the
areas' ``matrix_rows.py``), so a pattern the matrix can request is one this module can
measure. Each target is requested as the office manager (MFA verified) through the test
client with the whole middleware, once to warm the caches and twice counted, first with
``SMALL`` units of data, then with ``LARGE``; a count that grows with the data is an N+1.

``tests/query_counts.json`` holds, per target and per database vendor, the counts at both
sizes, whether they are constant and the shape of the queries (operation and tables), so a
failing check can name the queries that were added. ``medoffice query-counts --update`` (or
``MEDOFFICE_QUERY_COUNTS=update`` on the test) rewrites the current vendor's numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

BASELINE_PATH = Path(__file__).resolve().parents[1] / "query_counts.json"
SMALL, LARGE = 3, 10
UPDATE_COMMAND = "medoffice query-counts --update"
ABOUT = (
    "SQL queries per request, as the office manager, with 3 and 10 units of test data "
    "(tests/core/query_counts.py). Written by `medoffice query-counts --update`; "
    "checked by tests/core/test_query_counts.py. Do not edit by hand."
)

# Values for the required query parameters of API operations, by parameter name; a
# required parameter without a value here leaves the operation unmeasured, with the reason.
QUERY_VALUES = {"date": "today", "from": "today", "type": "appointment_type"}


@dataclass(frozen=True)
class Target:
    """One GET-able page or API operation."""

    key: str  # "GET patients:detail" (page) or "GET /api/v1/patients/{id}" (API operation)
    pattern: str  # the URL pattern; API operations as in the OpenAPI schema
    target: str = ""  # the matrix target filling the path parameter
    query: tuple[tuple[str, str], ...] = ()  # (parameter, QUERY_VALUES value name)
    reason: str = ""  # why it cannot be measured ("" when it can)
    what: str = ""  # the matrix's description of the page


@dataclass
class Measurement:
    status: int
    counts: dict[int, int] = field(default_factory=dict)  # data size -> queries
    queries: list[str] = field(default_factory=list)  # the SQL at the large size


# --- the targets ----------------------------------------------------------------------------


def discover() -> list[Target]:
    """Every page pattern and GET API operation of the project, sorted by key."""
    from tests.core import test_authorization_matrix as matrix

    rows: dict[str, tuple[str, str]] = {}  # pattern -> (target, what), GET rows first
    for row in sorted(matrix.MATRIX, key=lambda r: r.method != "GET"):
        target, what = rows.get(row.pattern, ("", ""))
        rows[row.pattern] = (target or row.target, what or row.what)
    found: dict[str, Target] = {}
    operation_paths = {path for _, path in matrix.api_operations()}
    for route, namespaces, name in _named_patterns():
        key = f"GET {':'.join((*namespaces, name)) if name else route}"
        if "admin" in namespaces:
            reason = "configuration admin: Django's own admin views, not measured"
            found[key] = Target(key, route, reason=reason)
            continue
        if "api" in namespaces and _schema_path(route) in operation_paths:
            continue  # an operation: measured below, by its OpenAPI path
        found[key] = _fill(key, route, rows)
    for path, operation in _get_operations():
        key = f"GET {path}"
        target = _fill(key, path, rows)
        query: list[tuple[str, str]] = []
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or not parameter.get("required"):
                continue
            name = parameter["name"]
            if name not in QUERY_VALUES:
                reason = f"required query parameter {name!r} has no value in QUERY_VALUES"
                target = replace(target, reason=reason)
                break
            query.append((name, QUERY_VALUES[name]))
        found[key] = replace(target, query=tuple(query))
    return [found[key] for key in sorted(found)]


def _named_patterns() -> Iterator[tuple[str, tuple[str, ...], str]]:
    from django.urls import URLResolver, get_resolver

    def walk(resolver: Any, prefix: str, namespaces: tuple[str, ...]) -> Iterator[Any]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                extra = (entry.namespace,) if entry.namespace else ()
                yield from walk(entry, route, namespaces + extra)
            else:
                yield "/" + route, namespaces, entry.name or ""

    yield from walk(get_resolver(), "", ())


def _get_operations() -> list[tuple[str, dict[str, Any]]]:
    from medoffice.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    return [
        (path, operations["get"])
        for path, operations in schema["paths"].items()
        if "get" in operations
    ]


def _schema_path(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _fill(key: str, pattern: str, rows: dict[str, tuple[str, str]]) -> Target:
    target, what = rows.get(pattern) or rows.get(_schema_path(pattern)) or ("", "")
    if not re.search(r"<[^>]+>|\{\w+\}", pattern):
        return Target(key, pattern, what=what)
    if not target:
        reason = "no row of the authorization matrix names a target for its path parameter"
        return Target(key, pattern, what=what, reason=reason)
    return Target(key, pattern, target, what=what)


def unmeasured_reason(status: int) -> str:
    if status == 405:
        return "POST only: GET answers 405"
    return f"GET answers {status}"


# --- the data -------------------------------------------------------------------------------


class Dataset:
    """A practice that grows one unit at a time: each unit is a provider working all day
    (with a visit type, a time off and an overbooking rule), a patient with a coverage, a
    visit today at the next status of the flow (a payment when the patient arrived), a
    finished visit in a past week, a waitlist entry, a recall, an emergency access, a staff
    user, a room, and a coverage, alert, consent, document and coming visit for the
    matrix's patient (whose record the detail pages open)."""

    STATUSES = [
        "scheduled",
        "arrived",
        "roomed",
        "with_provider",
        "checkout",
        "completed",
        "no_show",
        "cancelled",
    ]

    def __init__(self, objects: Any, manager: Any) -> None:
        from medoffice.core.roles import Role
        from tests.factories import UserFactory
        from tests.reports.factories import quiet_monday
        from tests.scheduling.factories import AppointmentTypeFactory

        self.objects = objects
        self.manager = manager
        self.location = objects.location
        self.appointment_type = AppointmentTypeFactory(duration=15)
        self.past_monday = quiet_monday()
        self.units = 0
        self.desk = UserFactory(roles=[Role.FRONT_DESK], locations=[objects.location])

    def grow_to(self, size: int) -> None:
        while self.units < size:
            self._add_unit(self.units)
            self.units += 1

    def _add_unit(self, n: int) -> None:
        from django.utils import timezone

        from medoffice.billing.services import take_payment
        from medoffice.core.roles import Role
        from medoffice.patients.models import EmergencyAccess
        from tests.factories import PatientFactory, UserFactory
        from tests.frontdesk.factories import (
            CoverageFactory,
            at,
            local_today,
            working_provider,
        )
        from tests.patients.factories import AlertFactory, ConsentFactory, DocumentFactory
        from tests.reports.factories import booked, cancelled, local, no_show, visit
        from tests.scheduling.factories import (
            AppointmentFactory,
            AppointmentTypeFactory,
            OverbookRuleFactory,
            RecallFactory,
            ResourceFactory,
            ScheduleExceptionFactory,
            WaitlistEntryFactory,
            next_weekday_at,
        )

        location, kind = self.location, self.appointment_type
        provider = working_provider(location)
        kind.providers.add(provider)
        patient = PatientFactory(home_location=location)
        CoverageFactory(patient=patient)
        start = at(local_today(), 0, 5)
        booking = {
            "provider": provider,
            "location": location,
            "patient": patient,
            "appointment_type": kind,
        }
        status = self.STATUSES[n % len(self.STATUSES)]
        if status == "scheduled":
            booked(start, **booking)
        elif status == "no_show":
            no_show(start, **booking)
        elif status == "cancelled":
            cancelled(start, hours_before=2, **booking)
        else:
            steps = ["arrived", "roomed", "seen", "checkout", "done"]
            reached = steps[: self.STATUSES.index(status)]
            walked = {step: minutes for minutes, step in enumerate(reached, start=1)}
            today = visit(start, **walked, **booking)
            take_payment(
                actor=self.desk,
                patient=patient,
                location=location,
                appointment=today,
                amount=Decimal("25.00"),
                method="cash",
            )
        past = self.past_monday + dt.timedelta(days=n % 5)
        visit(
            local(past, 9, 0),
            provider=provider,
            location=location,
            patient=patient,
            appointment_type=kind,
            arrived=2,
            roomed=10,
            seen=20,
            done=40,
        )
        AppointmentTypeFactory(providers=[provider])
        later = next_weekday_at(20, days_ahead=21)
        ScheduleExceptionFactory(
            provider=provider, location=location, start=later, end=later + dt.timedelta(hours=1)
        )
        OverbookRuleFactory(provider=provider, max_per_day=1, created_by=self.manager)
        WaitlistEntryFactory(patient=patient, appointment_type=kind, created_by=self.manager)
        RecallFactory(patient=patient)
        UserFactory(roles=[Role.FRONT_DESK], locations=[location])
        ResourceFactory(location=location)
        mine = self.objects.patient
        if n == 0:
            CoverageFactory(patient=mine)
        else:  # the coverages the patient had before: ended, one a year
            began = dt.date(2023 - n, 1, 1)
            ended = began.replace(month=12, day=31)
            CoverageFactory(patient=mine, effective_from=began, effective_to=ended, is_active=False)
        EmergencyAccess.objects.create(
            user=self.manager,
            patient=patient,
            reason="Called by the hospital about a fall.",
            expires_at=timezone.now(),
        )
        AlertFactory(patient=mine)
        ConsentFactory(patient=mine)
        DocumentFactory(patient=mine)
        AppointmentFactory(
            patient=mine,
            provider=provider,
            location=location,
            appointment_type=kind,
            start=next_weekday_at(14),  # the matrix's closure takes the morning
        )

    def query_value(self, name: str) -> str:
        from tests.frontdesk.factories import local_today

        if name == "today":
            return local_today().isoformat()
        if name == "appointment_type":
            return str(self.appointment_type.pk)
        raise KeyError(name)


# --- measuring ------------------------------------------------------------------------------


class Meter:
    """Requests the targets with a logged-in client; fills each target's path once."""

    def __init__(self, client: Any, objects: Any, dataset: Dataset) -> None:
        self.client = client
        self.objects = objects
        self.dataset = dataset
        self._values: dict[str, str] = {}

    def url(self, target: Target) -> str:
        from tests.core import test_authorization_matrix as matrix

        path = target.pattern
        if target.target:
            if target.target not in self._values:
                row = matrix.Row(target.pattern, "GET", "", frozenset(), target=target.target)
                user = getattr(self.client, "user", None)
                self._values[target.target] = matrix.path_value(row, self.objects, user)
            path = re.sub(r"<(?:\w+:)?\w+>|\{\w+\}", self._values[target.target], path)
        if target.query:
            pairs = [f"{name}={self.dataset.query_value(value)}" for name, value in target.query]
            path += "?" + "&".join(pairs)
        return path

    def fill_all(self, targets: list[Target]) -> None:
        """Create every target's object before the first count, so both sizes see them."""
        for target in targets:
            if not target.reason:
                self.url(target)

    def request(self, target: Target) -> tuple[int, list[str]]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = self.url(target)
        # The log keeps the last 9,000 queries only; a full log would capture nothing.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            try:
                response = self.client.get(url)
                if response.streaming:  # the test client closes it once it is read
                    b"".join(response.streaming_content)
            except Exception as error:
                raise AssertionError(f"{target.key}: GET {url} raised {error!r}") from error
        return response.status_code, [query["sql"] for query in captured.captured_queries]

    def measure(self, target: Target, size: int, into: Measurement | None) -> Measurement:
        status, _ = self.request(target)  # warm the caches (content types, roles, defaults)
        if not measurable(status):
            return Measurement(status)
        status, first = self.request(target)
        again, second = self.request(target)
        if (again, len(second)) != (status, len(first)):
            raise AssertionError(
                f"{target.key}: two requests in a row gave {len(first)} and {len(second)} "
                "queries; the count must be the same on every run"
            )
        measurement = into or Measurement(status)
        if status != measurement.status:
            raise AssertionError(
                f"{target.key}: answered {measurement.status} with {SMALL} units, {status} "
                f"with {size}"
            )
        measurement.counts[size] = len(second)
        measurement.queries = second
        return measurement


def measurable(status: int) -> bool:
    return 200 <= status < 400


# --- query shapes ---------------------------------------------------------------------------

_TABLE = re.compile(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def shape(sql: str) -> str:
    """The operation and the tables of a query: "SELECT patients_patient, core_location"."""
    words = sql.split()
    operation = words[0].upper() if words else ""
    if operation in {"SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"}:
        return " ".join(w.upper() for w in words[:2] if not w.startswith('"'))
    tables = list(dict.fromkeys(_TABLE.findall(sql)))
    return f"{operation} {', '.join(tables)}".strip()


def shapes(queries: list[str]) -> dict[str, int]:
    return dict(sorted(Counter(shape(q) for q in queries).items()))


# --- the baseline ---------------------------------------------------------------------------


def load_baseline(path: Path = BASELINE_PATH) -> dict[str, Any]:
    if not path.exists():
        return {"about": ABOUT, "sizes": [SMALL, LARGE], "targets": {}, "unmeasured": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def dump_baseline(baseline: dict[str, Any], path: Path = BASELINE_PATH) -> None:
    text = json.dumps(baseline, indent=2, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def updated_baseline(
    old: dict[str, Any],
    vendor: str,
    targets: list[Target],
    measured: dict[str, Measurement],
    unmeasured: dict[str, str],
) -> dict[str, Any]:
    """``old`` with this vendor's numbers replaced; other vendors' numbers are kept."""
    entries: dict[str, Any] = {}
    reasons: dict[str, Any] = {}
    for target in targets:
        if target.key in unmeasured:
            reason = unmeasured[target.key]
            reasons[target.key] = {"pattern": target.pattern, "reason": reason}
            if target.what:
                reasons[target.key]["what"] = target.what
            continue
        m = measured[target.key]
        entry = dict(old.get("targets", {}).get(target.key, {}))
        if entry.get("status") != m.status or entry.get("pattern") != target.pattern:
            entry = {}  # a different answer: the other vendors' numbers no longer apply
        entry["pattern"] = target.pattern
        entry["status"] = m.status
        if target.what:
            entry["what"] = target.what
        if target.target:
            entry["filled_with"] = target.target
        if target.query:
            entry["query"] = dict(target.query)
        entry[vendor] = {
            "counts": {str(size): count for size, count in sorted(m.counts.items())},
            "constant": m.counts[SMALL] == m.counts[LARGE],
            "queries": shapes(m.queries),
        }
        entries[target.key] = entry
    return {"about": ABOUT, "sizes": [SMALL, LARGE], "targets": entries, "unmeasured": reasons}


def compare(
    baseline: dict[str, Any],
    vendor: str,
    measured: dict[str, Measurement],
    unmeasured: dict[str, str],
) -> tuple[list[str], list[str]]:
    """(failures, hints): a count above the baseline fails; one below it is a hint."""
    failures: list[str] = []
    hints: list[str] = []
    entries = baseline.get("targets", {})
    recorded = baseline.get("unmeasured", {})
    for key, reason in sorted(unmeasured.items()):
        if key not in recorded or recorded[key]["reason"] != reason:
            failures.append(f"{key}: cannot be measured ({reason}); run `{UPDATE_COMMAND}`")
    for key, m in sorted(measured.items()):
        entry = entries.get(key)
        if entry is None:
            failures.append(f"{key}: not in the baseline; run `{UPDATE_COMMAND}`")
            continue
        if entry["status"] != m.status:
            failures.append(
                f"{key}: answered {m.status}, the baseline has {entry['status']}; "
                f"if intended, run `{UPDATE_COMMAND}`"
            )
            continue
        numbers = entry.get(vendor)
        if numbers is None:
            failures.append(f"{key}: no {vendor} numbers in the baseline; run `{UPDATE_COMMAND}`")
            continue
        for size, count in sorted(m.counts.items()):
            old = numbers["counts"][str(size)]
            if count > old:
                failures.append(_growth(key, size, old, count, numbers["queries"], m.queries))
            elif count < old:
                hints.append(
                    f"{key}: {count} queries with {size} units, the baseline allows {old}; "
                    f"lower it with `{UPDATE_COMMAND}`"
                )
    return failures, hints


def _growth(
    key: str, size: int, old: int, new: int, old_shapes: dict[str, int], queries: list[str]
) -> str:
    added = Counter(shapes(queries))
    added.subtract(old_shapes)
    lines = [f"{key}: {new} queries with {size} units, the baseline has {old}."]
    grown = {s: n for s, n in added.items() if n > 0}
    if grown:
        lines.append("Added, by shape (operation and tables), with examples from this run:")
        for shape_, extra in sorted(grown.items()):
            examples = [q for q in queries if shape(q) == shape_][:2]
            lines.append(f"  +{extra} × {shape_}")
            lines.extend(f"      {q[:300]}" for q in examples)
    lines.append(f"If the new queries are intended, run `{UPDATE_COMMAND}`.")
    return "\n".join(lines)


def stale_entries(baseline: dict[str, Any], targets: list[Target]) -> list[str]:
    keys = {t.key for t in targets}
    recorded = set(baseline.get("targets", {})) | set(baseline.get("unmeasured", {}))
    return sorted(recorded - keys)
