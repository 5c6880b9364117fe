"""What a clearinghouse answers to an 837P: a 999 acknowledgement (005010X231A1).

MedOffice reads 999s (``ack999``); it writes them only to stand in for a clearinghouse:
the demo practice's rejected claims and the tests' round trips. ``acknowledge_837`` reads
an 837P we wrote and accepts every transaction set, except sets holding a claim named in
``rejections``: those are rejected (IK5 R), with an IK3/IK4 pointing at the segment and
element at fault inside that claim (its CLM, or the first segment with the given id in the
claim's own loops), as a real clearinghouse would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from medoffice.x12.reader import Segment, Source, X12Reader
from medoffice.x12.writer import (
    InterchangeHeader,
    SegmentWriter,
    close_interchange,
    open_interchange,
    transaction_control,
)

VERSION_999 = "005010X231A1"


@dataclass(frozen=True)
class Rejection:
    """Why a clearinghouse refuses one claim: the segment and element at fault."""

    segment_id: str = "CLM"
    element: int = 1
    code: str = "7"  # IK403: 1 required element missing, 7 invalid code value, 8 invalid date…
    bad_value: str = ""
    loop: str = "2300"
    segment_code: str = "8"  # IK304: 8 segment has data element errors


@dataclass
class _Set:
    control: str
    version: str
    # (position in the set, segment) of each segment, and where each claim's CLM is.
    segments: list[tuple[int, Segment]]
    claims: dict[str, int]


def _sets(source: Source) -> tuple[str, list[_Set]]:
    reader = X12Reader(source, strict=False)
    group = ""
    found: list[_Set] = []
    current: _Set | None = None
    for segment in reader:
        if segment.id == "GS":
            group = segment.get(6)
        elif segment.id == "ST":
            current = _Set(segment.get(2), segment.get(3), [], {})
            found.append(current)
        if current is not None:
            current.segments.append((reader.set_position, segment))
            if segment.id == "CLM":
                current.claims[segment.get(1)] = len(current.segments) - 1
        if segment.id == "SE":
            current = None
    return group, found


def _locate(one: _Set, control: str, rejection: Rejection) -> int:
    """The set position of the segment at fault for claim ``control``."""
    at = one.claims[control]
    if rejection.segment_id == "CLM":
        return one.segments[at][0]
    for position, segment in one.segments[at + 1 :]:
        if segment.id in {"HL", "CLM", "SE"}:
            break
        if segment.id == rejection.segment_id:
            return position
    for position, segment in reversed(one.segments[:at]):  # the claim's subscriber loops
        if segment.id == rejection.segment_id:
            return position
        if segment.id == "HL":
            break
    return one.segments[at][0]


def acknowledge_837(
    source: Source, rejections: Mapping[str, Rejection], header: InterchangeHeader
) -> str:
    """A 999 accepting every set of the 837P but those holding a claim in ``rejections``."""
    group, sets = _sets(source)
    out = SegmentWriter()
    open_interchange(out, header, "FA", VERSION_999)
    out.start_count()
    out.add("ST", "999", transaction_control(1), VERSION_999)
    out.add("AK1", "HC", group, sets[0].version if sets else "005010X222A1")
    accepted = 0
    for one in sets:
        out.add("AK2", "837", one.control, one.version)
        faults = [(c, r) for c, r in rejections.items() if c in one.claims]
        for control, rejection in faults:
            out.add(
                "IK3",
                rejection.segment_id,
                str(_locate(one, control, rejection)),
                rejection.loop,
                rejection.segment_code,
            )
            out.add("CTX", ("CLM01", control))
            out.add("IK4", str(rejection.element), "", rejection.code, rejection.bad_value)
        if faults:
            out.add("IK5", "R", "5")
        else:
            out.add("IK5", "A")
            accepted += 1
    status = "A" if accepted == len(sets) else "R" if accepted == 0 else "P"
    out.add("AK9", status, str(len(sets)), str(len(sets)), str(accepted))
    out.add("SE", str(out.count + 1), transaction_control(1))
    close_interchange(out, header, 1)
    return out.text()
