"""Claims out of the door through the API: scrubbing, overriding a warning, submitting
837P batches, the batches and their files, acknowledgements and the rejection queue; the
same services, permissions, location limits and audit as the pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.billing.choices import ClaimStatus
from medoffice.billing.error_codes import BillingErrorCode as Code
from medoffice.billing.models import Acknowledgement, Claim, ClaimBatch, ClaimFinding, Encounter
from medoffice.billing.services import batches, scrub
from medoffice.core.models import AuditEvent, Practice
from medoffice.core.roles import Role
from medoffice.x12.respond import Rejection, acknowledge_837
from medoffice.x12.writer import InterchangeHeader
from tests.billing.factories_claims import billable_claim, office_visit_codes
from tests.factories import SYSTEM, LocationFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"
BIG = "9223372036854775808"  # 2**63: one past the largest id the database holds
CLEARINGHOUSE = InterchangeHeader(
    sender_id="SYNXCHG",
    receiver_id="MEDOFFICE",
    interchange_control_number=777,
    group_control_number=778,
    created=dt.datetime(2026, 11, 30, 9, 0),
)


@pytest.fixture
def office(practice):
    """A location whose claims the 837P writer accepts (ZIP+4, the practice's phone)."""
    office_visit_codes()
    location = LocationFactory(postal_code="01103-2211")
    Practice.objects.update(postal_code="01103-2211", phone="(413) 555-0100")
    return location


@pytest.fixture
def biller(api_for):
    return api_for(Role.BILLER)


def draft_claim(location, tmp_path: Path) -> Claim:
    return billable_claim(location, tmp_path / "outbox")


def ready_claims(location, tmp_path: Path, count: int = 1) -> list[Claim]:
    claims = [draft_claim(location, tmp_path) for _ in range(count)]
    scrub.scrub_claims(actor=SYSTEM, claims=Claim.objects.filter(pk__in=[c.pk for c in claims]))
    return [Claim.objects.get(pk=c.pk) for c in claims]


def submitted_batch(location, tmp_path: Path, count: int = 2) -> tuple[ClaimBatch, list[Claim]]:
    """One batch of ``count`` claims sent through one clearinghouse."""
    claims = ready_claims(location, tmp_path, count)
    house = claims[0].payer.billing.clearinghouse
    for claim in claims[1:]:
        claim.payer.billing.clearinghouse = house
        claim.payer.billing.save()
    (done,) = batches.export_ready_claims(actor=SYSTEM, out_dir=tmp_path / "out").batches
    return done.batch, [Claim.objects.get(pk=c.pk) for c in claims]


def warning_on(claim: Claim, severity: str = "warning") -> ClaimFinding:
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.SCRUBBED)
    return ClaimFinding.objects.create(
        claim=claim,
        code="timely_filing_near",
        severity=severity,
        message="The filing limit is in 20 days.",
        found_at=claim.created_at,
    )


def post_json(client, path: str, body: dict | None = None):
    return client.post(path, body or {}, content_type="application/json")


# --- scrubbing one claim -------------------------------------------------------------------


def test_scrubbing_a_clean_claim_answers_ready_with_no_findings(biller, office, tmp_path):
    claim = draft_claim(office, tmp_path)

    response = biller.post(f"{API}/claims/{claim.pk}/scrub")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["errors"], body["findings"]) == ("ready", 0, [])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY


def test_scrubbing_a_claim_with_an_error_names_its_line_and_how_to_fix_it(biller, office, tmp_path):
    claim = draft_claim(office, tmp_path)
    claim.lines.filter(line_number=1).update(diagnosis_pointers="")

    body = biller.post(f"{API}/claims/{claim.pk}/scrub").json()

    assert body["status"] == "scrubbed"
    (finding,) = [f for f in body["findings"] if f["code"] == "pointer_missing"]
    assert (finding["severity"], finding["line_number"], finding["overridden"]) == (
        "error",
        1,
        False,
    )
    assert finding["fix"]
    assert finding["message"]


def test_scrubbing_a_claim_is_audited_for_its_patient(biller, office, tmp_path):
    claim = draft_claim(office, tmp_path)

    biller.post(f"{API}/claims/{claim.pk}/scrub")

    assert AuditEvent.objects.filter(
        user=biller.user, patient_id=claim.patient_id, data_category="claims", action="read"
    ).exists()


def test_a_submitted_claim_is_not_scrubbed_and_answers_claim_locked(biller, office, tmp_path):
    _batch, (claim, _other) = submitted_batch(office, tmp_path)

    response = biller.post(f"{API}/claims/{claim.pk}/scrub")

    assert response.status_code == 400
    assert response.json()["code"] == Code.CLAIM_LOCKED


def test_a_claim_of_another_location_is_not_found_and_not_scrubbed(api_for, office, tmp_path):
    elsewhere = api_for(Role.BILLER, locations=[LocationFactory()])
    claim = draft_claim(office, tmp_path)

    response = elsewhere.post(f"{API}/claims/{claim.pk}/scrub")

    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_the_front_desk_cannot_scrub(api_for, office, tmp_path):
    desk = api_for(Role.FRONT_DESK, locations=[office])
    claim = draft_claim(office, tmp_path)

    assert desk.post(f"{API}/claims/{claim.pk}/scrub").status_code == 403


# --- scrubbing all -------------------------------------------------------------------------


def test_scrubbing_all_counts_the_ready_and_the_held(biller, office, tmp_path):
    draft_claim(office, tmp_path)
    held = draft_claim(office, tmp_path)
    held.lines.filter(line_number=1).update(diagnosis_pointers="")

    body = biller.post(f"{API}/claims/scrub", content_type="application/json").json()  # no body

    assert (body["scrubbed"], body["ready"], body["held"]) == (2, 1, 1)
    assert body["errors"] >= 1


def test_scrubbing_all_leaves_other_locations_claims_alone(api_for, office, tmp_path):
    elsewhere = LocationFactory(postal_code="01103-2211")
    limited = api_for(Role.BILLER, locations=[elsewhere])
    claim = draft_claim(office, tmp_path)

    body = post_json(limited, f"{API}/claims/scrub").json()

    assert body["scrubbed"] == 0
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_scrubbing_all_can_be_limited_to_one_payer(biller, office, tmp_path):
    chosen = draft_claim(office, tmp_path)
    other = draft_claim(office, tmp_path)

    body = post_json(biller, f"{API}/claims/scrub", {"payer_id": chosen.payer_id}).json()

    assert body["scrubbed"] == 1
    other.refresh_from_db()
    assert other.status == ClaimStatus.DRAFT


# --- overriding a warning ------------------------------------------------------------------


def test_a_warning_overridden_with_a_reason_answers_the_finding_and_frees_the_claim(
    biller, office, tmp_path
):
    claim = draft_claim(office, tmp_path)
    finding = warning_on(claim)

    response = post_json(
        biller,
        f"{API}/claims/{claim.pk}/findings/{finding.pk}/override",
        {"reason": "Filed on paper within the limit."},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["overridden"], body["override_reason"]) == (
        True,
        "Filed on paper within the limit.",
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY


def test_an_error_cannot_be_overridden_and_answers_its_code(biller, office, tmp_path):
    claim = draft_claim(office, tmp_path)
    finding = warning_on(claim, severity="error")

    response = post_json(
        biller, f"{API}/claims/{claim.pk}/findings/{finding.pk}/override", {"reason": "never"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == Code.ERROR_NOT_OVERRIDABLE
    finding.refresh_from_db()
    assert finding.overridden_at is None


def test_a_blank_reason_is_refused_naming_the_reason(biller, office, tmp_path):
    claim = draft_claim(office, tmp_path)
    finding = warning_on(claim)

    response = post_json(
        biller, f"{API}/claims/{claim.pk}/findings/{finding.pk}/override", {"reason": "   "}
    )

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("reason", Code.REASON_REQUIRED)
    ]


def test_a_reason_over_200_characters_is_refused(biller, office, tmp_path):
    claim = draft_claim(office, tmp_path)
    finding = warning_on(claim)

    response = post_json(
        biller, f"{API}/claims/{claim.pk}/findings/{finding.pk}/override", {"reason": "ü" * 201}
    )

    assert response.status_code == 400
    assert response.json()["code"] == Code.REASON_TOO_LONG


def test_a_missing_reason_is_refused_naming_the_field(biller, office, tmp_path):
    claim = draft_claim(office, tmp_path)
    finding = warning_on(claim)

    response = post_json(biller, f"{API}/claims/{claim.pk}/findings/{finding.pk}/override")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["payload.reason"]


def test_a_finding_of_another_claim_is_not_found(biller, office, tmp_path):
    claim = draft_claim(office, tmp_path)
    finding = warning_on(draft_claim(office, tmp_path))

    response = post_json(
        biller, f"{API}/claims/{claim.pk}/findings/{finding.pk}/override", {"reason": "ok"}
    )

    assert response.status_code == 404


# --- submitting and the batches ------------------------------------------------------------


def test_submitting_writes_one_batch_per_destination_with_its_control_numbers(
    biller, office, tmp_path
):
    claims = ready_claims(office, tmp_path, count=2)

    response = post_json(biller, f"{API}/batches")

    assert response.status_code == 200
    body = response.json()
    assert body["claim_count"] == 2
    assert len(body["batches"]) == 2  # each payer goes through its own clearinghouse
    for row in body["batches"]:
        batch = ClaimBatch.objects.get(pk=row["id"])
        assert row["interchange_control_number"] == f"{batch.interchange_control_number:09d}"
        assert row["destination"] == batch.clearinghouse.name
        assert (row["claim_count"], row["file_name"]) == (1, batch.file_name)
    assert {Claim.objects.get(pk=c.pk).status for c in claims} == {ClaimStatus.SUBMITTED}


def test_submitting_can_be_limited_to_one_clearinghouse(biller, office, tmp_path):
    chosen, other = ready_claims(office, tmp_path, count=2)
    house = chosen.payer.billing.clearinghouse_id

    body = post_json(biller, f"{API}/batches", {"clearinghouse_id": house}).json()

    assert [row["clearinghouse_id"] for row in body["batches"]] == [house]
    other.refresh_from_db()
    assert other.status == ClaimStatus.READY


def test_submitting_with_nothing_ready_writes_no_batch(biller, office, tmp_path):
    draft_claim(office, tmp_path)

    body = biller.post(f"{API}/batches", content_type="application/json").json()  # no body

    assert (body["claim_count"], body["batches"]) == (0, [])
    assert not ClaimBatch.objects.exists()


def test_submitting_leaves_other_locations_ready_claims(api_for, office, tmp_path):
    limited = api_for(Role.BILLER, locations=[LocationFactory()])
    (claim,) = ready_claims(office, tmp_path)

    body = post_json(limited, f"{API}/batches").json()

    assert body["batches"] == []
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY


def test_the_batch_list_is_paginated(biller, office, tmp_path):
    ready_claims(office, tmp_path, count=2)
    post_json(biller, f"{API}/batches")

    body = biller.get(f"{API}/batches?limit=1").json()

    assert (body["count"], len(body["items"])) == (2, 1)


def test_the_batch_list_filters_by_clearinghouse(biller, office, tmp_path):
    chosen, _other = ready_claims(office, tmp_path, count=2)
    post_json(biller, f"{API}/batches")
    house = chosen.payer.billing.clearinghouse_id

    items = biller.get(f"{API}/batches?clearinghouse_id={house}").json()["items"]

    assert [row["clearinghouse_id"] for row in items] == [house]


def test_a_batch_shows_its_claims_and_acknowledgements(biller, office, tmp_path):
    batch, claims = submitted_batch(office, tmp_path)
    upload(biller, acknowledge_837(batch.content, {}, CLEARINGHOUSE))

    body = biller.get(f"{API}/batches/{batch.pk}").json()

    assert [c["id"] for c in body["claims"]] == [c.pk for c in claims]
    assert body["hidden_claims"] == 0
    assert [(a["kind"], a["accepted"]) for a in body["acknowledgements"]] == [("999", 2)]


def test_a_batch_shows_a_location_limited_biller_only_their_claims(api_for, office, tmp_path):
    batch, (mine, _theirs) = submitted_batch(office, tmp_path)
    elsewhere = LocationFactory()
    Encounter.objects.filter(pk=mine.encounter_id).update(location=elsewhere)
    limited = api_for(Role.BILLER, locations=[elsewhere])

    body = limited.get(f"{API}/batches/{batch.pk}").json()

    assert ([c["id"] for c in body["claims"]], body["hidden_claims"]) == ([mine.pk], 1)


def test_the_batch_file_is_the_837p_as_an_attachment(biller, office, tmp_path):
    batch, _claims = submitted_batch(office, tmp_path)

    response = biller.get(f"{API}/batches/{batch.pk}/file")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/edi-x12"
    assert response["Content-Disposition"] == f'attachment; filename="{batch.file_name}"'
    assert response.content.decode() == batch.content


def test_downloading_the_batch_file_is_audited_for_every_patient_in_it(biller, office, tmp_path):
    batch, claims = submitted_batch(office, tmp_path)

    biller.get(f"{API}/batches/{batch.pk}/file")

    event = AuditEvent.objects.get(user=biller.user, action="export")
    assert sorted(event.shown_patient_ids) == sorted(c.patient_id for c in claims)


def test_the_batch_file_is_not_found_when_it_holds_another_locations_claim(
    api_for, office, tmp_path
):
    batch, (mine, _theirs) = submitted_batch(office, tmp_path)
    elsewhere = LocationFactory()
    Encounter.objects.filter(pk=mine.encounter_id).update(location=elsewhere)
    limited = api_for(Role.BILLER, locations=[elsewhere])

    assert limited.get(f"{API}/batches/{batch.pk}/file").status_code == 404


# --- acknowledgements ----------------------------------------------------------------------


def upload(client, text: str | bytes, name: str = "answer.999"):
    content = text.encode() if isinstance(text, str) else text
    return client.post(f"{API}/acknowledgements", {"file": SimpleUploadedFile(name, content)})


def test_a_999_uploaded_as_a_file_accepts_the_batchs_claims(biller, office, tmp_path):
    batch, claims = submitted_batch(office, tmp_path)

    response = upload(biller, acknowledge_837(batch.content, {}, CLEARINGHOUSE))

    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["accepted"], body["rejected"]) == ("999", 2, 0)
    assert {line["claim_id"] for line in body["claims"]} == {c.pk for c in claims}
    assert {Claim.objects.get(pk=c.pk).status for c in claims} == {ClaimStatus.ACCEPTED}


def test_a_999_sent_as_the_raw_body_is_read_the_same(biller, office, tmp_path):
    batch, _claims = submitted_batch(office, tmp_path)

    response = biller.post(
        f"{API}/acknowledgements",
        acknowledge_837(batch.content, {}, CLEARINGHOUSE),
        content_type="application/edi-x12",
    )

    assert response.status_code == 200
    assert response.json()["accepted"] == 2


def test_a_999_rejecting_a_claim_reports_where_and_why(biller, office, tmp_path):
    batch, (_first, second) = submitted_batch(office, tmp_path)
    answer = acknowledge_837(
        batch.content, {second.control_number: Rejection(element=5, code="7")}, CLEARINGHOUSE
    )

    body = upload(biller, answer).json()

    lines = {line["claim_id"]: line for line in body["claims"]}
    assert lines[second.pk]["outcome"] == "rejected"
    assert "CLM05" in lines[second.pk]["detail"]
    assert body["rejected"] == 2  # the payer saw none of the set


def test_a_malformed_999_names_segment_and_element_and_changes_nothing(biller, office, tmp_path):
    batch, claims = submitted_batch(office, tmp_path)
    broken = acknowledge_837(batch.content, {}, CLEARINGHOUSE).replace("IK5*A", "IK5*Q")

    response = upload(biller, broken)

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("file", Code.ACK_FILE_UNREADABLE)
    assert "segment" in error["message"]
    assert "IK5" in error["message"]
    assert "element 1" in error["message"]
    assert not Acknowledgement.objects.exists()
    assert {Claim.objects.get(pk=c.pk).status for c in claims} == {ClaimStatus.SUBMITTED}


def test_an_837p_sent_as_an_acknowledgement_is_refused(biller, office, tmp_path):
    batch, _claims = submitted_batch(office, tmp_path)

    response = upload(biller, batch.content, name="wrong.x12")

    assert response.status_code == 400
    assert "neither a 999 nor a 277CA" in response.json()["errors"][0]["message"]
    assert not Acknowledgement.objects.exists()


def test_an_upload_without_a_file_is_refused_with_its_code(biller):
    response = biller.post(f"{API}/acknowledgements", {"note": "no file here"})

    assert response.status_code == 400
    assert response.json()["code"] == Code.ACK_FILE_REQUIRED


def test_an_empty_raw_body_is_refused_with_its_code(biller):
    response = biller.post(f"{API}/acknowledgements", "", content_type="application/edi-x12")

    assert response.status_code == 400
    assert response.json()["code"] == Code.ACK_FILE_REQUIRED


def test_a_claim_of_another_location_is_reported_not_found(api_for, office, tmp_path):
    batch, claims = submitted_batch(office, tmp_path)
    limited = api_for(Role.BILLER, locations=[LocationFactory()])

    body = upload(limited, acknowledge_837(batch.content, {}, CLEARINGHOUSE)).json()

    assert {(line["claim_id"], line["outcome"]) for line in body["claims"]} == {(None, "not found")}
    assert {Claim.objects.get(pk=c.pk).status for c in claims} == {ClaimStatus.SUBMITTED}


def test_the_acknowledgement_list_filters_by_kind(biller, office, tmp_path):
    batch, _claims = submitted_batch(office, tmp_path)
    upload(biller, acknowledge_837(batch.content, {}, CLEARINGHOUSE))

    assert biller.get(f"{API}/acknowledgements?kind=999").json()["count"] == 1
    assert biller.get(f"{API}/acknowledgements?kind=277CA").json()["count"] == 0


def test_an_unknown_acknowledgement_kind_is_refused_naming_it(biller):
    response = biller.get(f"{API}/acknowledgements?kind=837")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=300))
def test_arbitrary_bytes_are_refused_or_reported_never_a_server_error(biller, content):
    before = Acknowledgement.objects.count()

    response = biller.post(
        f"{API}/acknowledgements", content, content_type="application/octet-stream"
    )

    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert Acknowledgement.objects.count() == before


# --- the rejection queue -------------------------------------------------------------------


def test_the_rejection_queue_lists_rejected_claims_and_why(biller, office, tmp_path):
    batch, (first, second) = submitted_batch(office, tmp_path)
    upload(
        biller,
        acknowledge_837(
            batch.content, {second.control_number: Rejection(element=5, code="7")}, CLEARINGHOUSE
        ),
    )

    items = biller.get(f"{API}/claims/rejected").json()["items"]

    assert {row["id"] for row in items} == {first.pk, second.pk}
    assert all(row["rejection_reason"] for row in items)


def test_the_rejection_queue_shows_only_the_users_locations(api_for, office, tmp_path):
    (claim,) = ready_claims(office, tmp_path)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.REJECTED, rejection_reason="x")
    limited = api_for(Role.BILLER, locations=[LocationFactory()])

    assert limited.get(f"{API}/claims/rejected").json()["items"] == []


def test_the_rejection_queue_is_audited_for_the_patients_shown(biller, office, tmp_path):
    (claim,) = ready_claims(office, tmp_path)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.REJECTED, rejection_reason="x")

    biller.get(f"{API}/claims/rejected")

    event = AuditEvent.objects.filter(user=biller.user, action="read").last()
    assert event.shown_patient_ids == [claim.patient_id]


# --- odd input -----------------------------------------------------------------------------

ODD_IDS = [BIG, "1e309", "0", "-1", "ü", "1.5"]


@pytest.mark.parametrize("value", ODD_IDS)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/claims/{v}/scrub"),
        ("post", "/claims/{v}/findings/1/override"),
        ("post", "/claims/1/findings/{v}/override"),
        ("get", "/batches/{v}"),
        ("get", "/batches/{v}/file"),
    ],
)
def test_odd_ids_are_refused_never_a_server_error(biller, method, path, value):
    url = API + path.format(v=value)
    if method == "post":
        response = post_json(biller, url, {"reason": "a reason"})
    else:
        response = biller.get(url)

    assert response.status_code in {404, 422}


@pytest.mark.parametrize(
    "query",
    [
        f"clearinghouse_id={BIG}",
        "payer_id=1e309",
        "made_from=9999-12-31",
        "made_to=0001-01-01",
        "made_from=ü",
    ],
)
def test_odd_batch_filters_are_refused_naming_the_parameter(biller, query):
    response = biller.get(f"{API}/batches?{query}")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [query.split("=")[0]]


@pytest.mark.parametrize(
    "body",
    [
        {"payer_id": int(BIG)},
        {"clearinghouse_id": "1e309"},
        {"payer_id": "ü"},
    ],
)
def test_odd_submission_filters_are_refused(biller, body):
    response = post_json(biller, f"{API}/batches", body)

    assert response.status_code == 422
    assert not ClaimBatch.objects.exists()


@pytest.mark.parametrize("reason", ["\x00", "ü" * 1001, 1e308, None])
def test_odd_reasons_are_refused_never_a_server_error(biller, office, tmp_path, reason):
    claim = draft_claim(office, tmp_path)
    finding = warning_on(claim)

    response = post_json(
        biller, f"{API}/claims/{claim.pk}/findings/{finding.pk}/override", {"reason": reason}
    )

    assert response.status_code == 422
    finding.refresh_from_db()
    assert finding.overridden_at is None


@pytest.mark.parametrize("body", [{"date_from": "9999-12-31"}, {"location_id": int(BIG)}])
def test_odd_scrub_filters_are_refused(biller, body):
    assert post_json(biller, f"{API}/claims/scrub", body).status_code == 422
