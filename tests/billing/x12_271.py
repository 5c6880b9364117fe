"""Synthetic 271 files for the import tests, written segment by segment."""

from __future__ import annotations


def answer_271(
    *,
    trace: str = "",
    member_id: str = "XZ700001",
    last_name: str = "DOE",
    first_name: str = "JANE",
    benefits: tuple[str, ...] = (
        "EB*1**30**GOLD PLUS PLAN",
        "EB*B**98*HM*GOLD PLUS PLAN*27*30.00*****Y",
        "EB*C*IND*30***23*1500.00*****Y",
        "EB*C*IND*30***29*400.00*****Y",
        "EB*G*IND*30***29*2500.00*****Y",
    ),
    rejections: tuple[str, ...] = (),
    element: str = "*",
    bom: bool = False,
) -> str:
    body = [
        "ST*271*0001*005010X279A1",
        "BHT*0022*11*10001234*20261201*1319",
        "HL*1**20*1",
        "NM1*PR*2*SYNTHETIC HEALTH*****PI*SHP00001",
        "HL*2*1*21*1",
        "NM1*1P*2*TEST FAMILY PRACTICE*****XX*1000000004",
        "HL*3*2*22*0",
        *([f"TRN*2*{trace}*1041234567"] if trace else []),
        f"NM1*IL*1*{last_name}*{first_name}****MI*{member_id}",
        *rejections,
        *benefits,
    ]
    segments = [
        "ISA*00*          *00*          *ZZ*SYNXCHG        *ZZ*SUB00001       "
        "*261201*1319*^*00501*000000001*0*T*:",
        "GS*HB*SYNXCHG*SUB00001*20261201*1319*1*X*005010X279A1",
        *body,
        f"SE*{len(body) + 1}*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ]
    text = "~\n".join(segments) + "~\n"
    if element != "*":
        text = text.replace("*", element)
    return ("\ufeff" if bom else "") + text
