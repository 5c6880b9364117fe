"""Query counts of every page and GET API operation against tests/query_counts.json.

A count above the baseline fails, naming the page, the old and new count and the queries
added; a count below it passes with a warning to lower the baseline. A new URL pattern or
API operation without an entry fails until the baseline is rewritten with
``medoffice query-counts --update`` (``MEDOFFICE_QUERY_COUNTS=update`` on this module),
which records the numbers of the database this run uses and keeps the other vendor's.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from django.db import connection

from medoffice.core.roles import Role
from tests.core import query_counts as qc
from tests.core.test_authorization_matrix import objects  # noqa: F401  (the matrix's rows)

UPDATING = os.environ.get("MEDOFFICE_QUERY_COUNTS") == "update"


def test_every_target_is_in_the_baseline():
    """A new page or operation needs an entry; a gone one must leave the baseline."""
    if UPDATING:
        pytest.skip("rewriting the baseline")
    baseline = qc.load_baseline()
    recorded = set(baseline["targets"]) | set(baseline["unmeasured"])
    targets = qc.discover()
    missing = [t.key for t in targets if t.key not in recorded]
    stale = qc.stale_entries(baseline, targets)
    assert not missing, (
        "no query-count baseline for:\n  "
        + "\n  ".join(missing)
        + f"\nrun `{qc.UPDATE_COMMAND}` and commit tests/query_counts.json"
    )
    assert not stale, (
        "the baseline names targets that are gone:\n  "
        + "\n  ".join(stale)
        + f"\nrun `{qc.UPDATE_COMMAND}`"
    )


def test_query_counts_do_not_grow(objects, client_for, clock_at):  # noqa: F811
    clock_at(10)  # the data has a visit at 00:05 today: past, whatever the hour of the run
    vendor = connection.vendor
    baseline = qc.load_baseline()
    has_vendor = any(vendor in entry for entry in baseline["targets"].values())
    if not UPDATING and not has_vendor:
        pytest.skip(f"no {vendor} numbers in tests/query_counts.json: run `{qc.UPDATE_COMMAND}`")

    client = client_for(Role.OFFICE_MANAGER)
    dataset = qc.Dataset(objects, client.user)
    dataset.grow_to(qc.SMALL)
    meter = qc.Meter(client, objects, dataset)
    targets = qc.discover()
    meter.fill_all(targets)

    measured: dict[str, qc.Measurement] = {}
    unmeasured = {t.key: t.reason for t in targets if t.reason}
    for size in (qc.SMALL, qc.LARGE):
        dataset.grow_to(size)
        for target in targets:
            if target.key in unmeasured:
                continue
            measurement = meter.measure(target, size, measured.get(target.key))
            if not qc.measurable(measurement.status):
                unmeasured[target.key] = qc.unmeasured_reason(measurement.status)
                continue
            measured[target.key] = measurement

    if UPDATING:
        new = qc.updated_baseline(baseline, vendor, targets, measured, unmeasured)
        qc.dump_baseline(new)
        return
    failures, hints = qc.compare(baseline, vendor, measured, unmeasured)
    for hint in hints:
        warnings.warn(hint, stacklevel=1)
    assert not failures, "\n\n".join(failures)


def test_a_grown_count_names_the_page_the_counts_and_the_added_queries():
    baseline = {
        "targets": {
            "GET patients:list": {
                "status": 200,
                "sqlite": {"counts": {"3": 2, "10": 2}, "queries": {"SELECT patients_patient": 1}},
            }
        },
        "unmeasured": {},
    }
    queries = [
        'SELECT "django_session"."session_data" FROM "django_session"',
        'SELECT "patients_patient"."id" FROM "patients_patient"',
        'SELECT "patients_coverage"."id" FROM "patients_coverage" WHERE "patient_id" = 1',
        'SELECT "patients_coverage"."id" FROM "patients_coverage" WHERE "patient_id" = 2',
    ]
    grown = qc.Measurement(200, {3: 2, 10: 4}, queries)
    failures, hints = qc.compare(baseline, "sqlite", {"GET patients:list": grown}, {})
    assert hints == []
    (failure,) = failures
    assert failure.startswith("GET patients:list: 4 queries with 10 units, the baseline has 2.")
    assert "+2 × SELECT patients_coverage" in failure
    assert '"patient_id" = 2' in failure
    assert "+1 × SELECT django_session" in failure
    assert qc.UPDATE_COMMAND in failure


def test_a_lower_count_passes_with_a_hint_and_a_new_target_fails():
    baseline = {
        "targets": {"GET core:home": {"status": 200, "sqlite": {"counts": {"3": 5, "10": 5}}}},
        "unmeasured": {},
    }
    measured = {
        "GET core:home": qc.Measurement(200, {3: 4, 10: 4}),
        "GET core:new-page": qc.Measurement(200, {3: 4, 10: 4}),
    }
    failures, hints = qc.compare(baseline, "sqlite", measured, {"GET core:gone": "GET answers 405"})
    assert len(hints) == 2
    assert all("lower it with" in hint for hint in hints)
    assert failures == [
        f"GET core:gone: cannot be measured (GET answers 405); run `{qc.UPDATE_COMMAND}`",
        f"GET core:new-page: not in the baseline; run `{qc.UPDATE_COMMAND}`",
    ]


def test_query_shapes_name_the_operation_and_the_tables():
    assert qc.shape('SAVEPOINT "s1_x2"') == "SAVEPOINT"
    assert qc.shape('RELEASE SAVEPOINT "s1_x2"') == "RELEASE SAVEPOINT"
    sql = 'SELECT "a"."id" FROM "core_user" INNER JOIN "core_location" ON (1) WHERE 1'
    assert qc.shape(sql) == "SELECT core_user, core_location"
    assert qc.shape('INSERT INTO "core_auditevent" ("x") VALUES (1)') == "INSERT core_auditevent"


def test_the_command_runs_this_module_and_asks_it_to_update(monkeypatch):
    import subprocess

    from django.core.management import call_command

    from medoffice.core.management.commands import query_counts as command

    runs = []

    def run(args, *, cwd, env, check):
        runs.append((args, cwd, env.get("MEDOFFICE_QUERY_COUNTS")))
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(command.subprocess, "run", run)
    call_command("query_counts")
    call_command("query_counts", "--update")
    (check_args, root, check_mode), (_, _, update_mode) = runs
    assert check_args[-1] == str(command.TEST_MODULE)
    assert (root / command.TEST_MODULE).resolve() == Path(__file__).resolve()
    assert (check_mode, update_mode) == (None, "update")
