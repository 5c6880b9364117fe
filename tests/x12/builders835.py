"""Hand-written 835 text for the reader's tests: one balanced payment that uses every loop.

``interchange(*sets)`` wraps transaction-set bodies (lists of segments without ST/SE) in
ISA/GS…GE/IEA with correct counts; ``FULL`` is the body the tests read. Every value is made
up.
"""

from __future__ import annotations

ISA = (
    "ISA*00*          *00*          *ZZ*ACME1          *ZZ*VALLEYFM       "
    "*261201*0900*^*00501*{control:09d}*0*T*:~"
)

FULL = [
    "BPR*C*177.5*C*ACH*CCP*01*011000015*DA*123456789*1060000001**01*021000021*DA*987654321*20261201",
    "TRN*1*EFT0001*1060000001*SUPP9",
    "CUR*PR*USD",
    "REF*EV*VALLEYFM",
    "DTM*405*20261130",
    "N1*PR*ACME HEALTH PLAN*XV*ACME1",
    "N3*1 PLAN WAY*SUITE 9",
    "N4*HARTFORD*CT*06103",
    "REF*2U*ACME1",
    "PER*CX*CLAIMS DESK*TE*8605550101",
    "PER*BL*EDI SUPPORT*TE*8605550100*EM*EDI@EXAMPLE.COM",
    "N1*PE*VALLEY FAMILY MEDICINE*XX*1234567893",
    "N3*100 MAIN STREET",
    "N4*NORTHAMPTON*MA*010603456",
    "REF*TJ*043456789",
    "LX*1",
    "TS3*1234567893*11*20261231*2*350",
    "TS2*100*50",
    "CLP*PCN1001*1*300*190*20*12*PAYER0001*11*1",
    "NM1*QC*1*RIVERA*MARIA*J***MI*XJ123456789",
    "NM1*IL*1*RIVERA*CARLOS****MI*XJ123456700",
    "NM1*82*1*OKAFOR*ADA****XX*1245319599",
    "MOA***MA01*N130",
    "REF*EA*MRN42",
    "DTM*232*20261110",
    "DTM*233*20261111",
    "PER*CX*ANN CLAIMS*TE*8605550102",
    "AMT*AU*210",
    "QTY*ZK*2",
    "SVC*HC:99213:25:59:XE:GT*200*120**1",
    "DTM*150*20261110",
    "DTM*151*20261111",
    "CAS*CO*45*60",
    "CAS*PR*1*5*1*2*5*1*3*2*1*122*2*1*123*3*1*130*3*1",
    "REF*6R*LINE-1",
    "AMT*B6*140",
    "LQ*HE*N130",
    "SVC*HC:99214*100*70**1*HC:99215",
    "DTM*472*20261110",
    "CAS*CO*45*30",
    "REF*6R*LINE-2",
    "AMT*B6*70",
    "LQ*HE*M15",
    "LX*2",
    "CLP*PCN1002*4*50*0**12*PAYER0002*11*1",
    "CAS*CO*29*50",
    "NM1*QC*1*SHAW*ANN****MI*Q1",
    "NM1*74*1*SHAW*ANNE****C*Q2",
    "NM1*TT*2*BEACON INSURANCE*****PI*BEAC2",
    "NM1*PR*2*ACME MEDICARE PLAN*****PI*ACME2",
    "MIA*0***12*MA01",
    "DTM*050*20261120",
    "PLB*1234567893*20261231*L6*-2.5*WO:OVP123*10*FB:FWD1*5",
]


def transaction(body: list[str], control: int = 1) -> list[str]:
    number = f"{control:04d}"
    return [f"ST*835*{number}", *body, f"SE*{len(body) + 2}*{number}"]


def interchange(*bodies: list[str], control: int = 1, first_set: int = 1) -> str:
    segments = [
        ISA.format(control=control).rstrip("~"),
        f"GS*HP*ACME1*VALLEYFM*20261201*0900*{control}*X*005010X221A1",
    ]
    for offset, body in enumerate(bodies):
        segments += transaction(body, first_set + offset)
    segments += [f"GE*{len(bodies)}*{control}", f"IEA*1*{control:09d}"]
    return "~\n".join(segments) + "~\n"


def replaced(body: list[str], old: str, new: str) -> list[str]:
    """``body`` with the one segment that starts with ``old`` replaced by ``new``."""
    found = [index for index, segment in enumerate(body) if segment.startswith(old)]
    assert len(found) == 1, f"{old!r} matches {len(found)} segments"
    return body[: found[0]] + [new] + body[found[0] + 1 :]


def without(body: list[str], old: str) -> list[str]:
    return [segment for segment in body if not segment.startswith(old)]
