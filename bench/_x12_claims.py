"""Synthetic professional claims for the X12 benches (fixed seed, every value made up).

`run_all.py` skips this module because its name starts with `_`.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from medoffice.x12.claims import Address, Claim, Payer, Person, Provider, ServiceLine, Subscriber
from medoffice.x12.p837 import Envelope837, Submitter
from medoffice.x12.writer import InterchangeHeader

SEED = 20261201
LASTS = ["SMITH", "RIVERA", "NGUYEN", "OKAFOR", "LINDQVIST", "GARCIA", "COHEN", "MARSH"]
FIRSTS = ["MARIA", "JOHN", "ADA", "LUCAS", "WEI", "ANN", "PER", "FATIMA"]
CODES = ["E119", "I10", "J069", "R051", "M545", "Z0000", "E785", "F419", "K219", "N390"]
PROCEDURES = ["99213", "99214", "99396", "90471", "36415", "81002", "93000"]
BILLING = Provider(
    last_name="VALLEY FAMILY MEDICINE",
    npi="1234567893",
    is_person=False,
    tax_id="043456789",
    taxonomy="207Q00000X",
    address=Address("100 MAIN STREET", "NORTHAMPTON", "MA", "010603456"),
)
RENDERING = Provider(last_name="OKAFOR", first_name="ADA", npi="1245319599", taxonomy="207Q00000X")
PAYERS = [Payer("ACME HEALTH PLAN", "ACME1"), Payer("BEACON INSURANCE", "BEAC2")]


def synthetic_claims(count: int, seed: int = SEED) -> list[Claim]:
    rng = random.Random(seed)
    claims: list[Claim] = []
    for number in range(count):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        address = Address(f"{rng.randint(1, 999)} OAK AVENUE", "FLORENCE", "MA", "01062")
        insured = Person(
            rng.choice(LASTS), rng.choice(FIRSTS), dt.date(1950 + rng.randint(0, 50), 5, 17),
            rng.choice("MF"), address=address,
        )  # fmt: skip
        dependent = rng.random() < 0.3
        patient = (
            Person(insured.last_name, rng.choice(FIRSTS), dt.date(2012, 3, 9), "F", address=address)
            if dependent
            else None
        )
        diagnoses = tuple(rng.sample(CODES, rng.randint(1, 4)))
        lines = tuple(
            ServiceLine(
                procedure_code=rng.choice(PROCEDURES),
                charge=Decimal(rng.randint(2000, 40000)) / 100,
                units=Decimal(1),
                service_from=day,
                diagnosis_pointers=tuple(range(1, min(len(diagnoses), 4) + 1)),
            )
            for _ in range(rng.randint(1, 4))
        )
        claims.append(
            Claim(
                control_number=f"PCN{number:09d}",
                billing_provider=BILLING,
                payer=rng.choice(PAYERS),
                subscriber=Subscriber(
                    f"M{rng.randint(10**8, 10**9 - 1)}", insured, group_number="GRP1"
                ),
                diagnoses=diagnoses,
                lines=lines,
                place_of_service="11",
                patient=patient,
                patient_relationship="19" if dependent else "18",
                rendering=RENDERING if rng.random() < 0.5 else None,
            )
        )
    return claims


def envelope() -> Envelope837:
    return Envelope837(
        header=InterchangeHeader(
            sender_id="VALLEYFM",
            receiver_id="CLEARHOUSE",
            interchange_control_number=1,
            group_control_number=1,
            created=dt.datetime(2026, 12, 1, 9, 0),
        ),
        submitter=Submitter("VALLEY FAMILY MEDICINE", "VFM001", "JO BILLER", "4135550101"),
        receiver_name="EXAMPLE CLEARINGHOUSE",
        receiver_id="CH0001",
        transaction_control_number=1,
    )
