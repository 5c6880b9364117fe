"""Every operation has a short, unique camelCase operationId and exactly one area's tag."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from medoffice.api.base import AREAS, OPERATION_IDS, api, area_of, camel_case

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"


@pytest.fixture(scope="module")
def operations():
    schema = json.loads(COMMITTED.read_text())
    return [
        (method.upper(), path, details)
        for path, methods in schema["paths"].items()
        for method, details in methods.items()
    ]


def test_every_operation_id_is_unique(operations):
    counts = Counter(details["operationId"] for _, _, details in operations)

    assert [op_id for op_id, n in counts.items() if n > 1] == []


def test_every_operation_id_is_camel_case(operations):
    pattern = re.compile(r"^[a-z][A-Za-z0-9]+$")

    assert [d["operationId"] for _, _, d in operations if not pattern.match(d["operationId"])] == []


def test_every_operation_has_exactly_one_areas_tag(operations):
    areas = {tag for tag, _, _ in AREAS}

    assert [
        (method, path, d.get("tags"))
        for method, path, d in operations
        if len(d.get("tags", [])) != 1 or d["tags"][0] not in areas
    ] == []


def test_the_schema_describes_each_area_tag_once(db):
    tags = [t["name"] for t in api.get_openapi_schema()["tags"]]

    assert tags == [tag for tag, _, _ in AREAS]


def test_an_operation_id_comes_from_the_view_functions_name():
    assert camel_case("add_to_waitlist") == "addToWaitlist"
    assert camel_case("check_in") == "checkIn"


def test_every_named_operation_id_is_used(operations):
    used = {d["operationId"] for _, _, d in operations}

    assert set(OPERATION_IDS.values()) - used == set()


def test_the_longest_matching_path_names_the_area():
    assert area_of("/appointments/{id}/check-in") == "Front desk"
    assert area_of("/appointments/{id}/cancel") == "Scheduling"
    assert area_of("/appointment-types") == "Scheduling"
    assert area_of("/nowhere") is None
