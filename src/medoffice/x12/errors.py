"""The typed errors every X12 reader and writer raises: where it went wrong and why.

Each error names the segment's number (1-based position in the file, the ISA being 1),
its id, the element position (1-based, 0 when the whole segment is meant) and a message.
Callers catch ``X12Error``; nothing else escapes a reader, whatever the input.
"""

from __future__ import annotations


class X12Error(Exception):
    """Something in an X12 file (or a value to be written) that cannot be read or written."""

    def __init__(
        self,
        message: str,
        *,
        segment_number: int = 0,
        segment_id: str = "",
        element: int = 0,
    ) -> None:
        self.message = message
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.element = element
        super().__init__(str(self))

    def __str__(self) -> str:
        where: list[str] = []
        if self.segment_number:
            where.append(f"segment {self.segment_number}")
        if self.segment_id:
            where.append(f"({self.segment_id})" if where else self.segment_id)
        if self.element:
            where.append(f"element {self.element}")
        prefix = " ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def __reduce__(self) -> tuple[object, ...]:  # picklable with its keyword arguments
        return (
            _rebuild,
            (type(self), self.message, self.segment_number, self.segment_id, self.element),
        )


def _rebuild(
    cls: type[X12Error], message: str, number: int, segment_id: str, element: int
) -> X12Error:
    return cls(message, segment_number=number, segment_id=segment_id, element=element)


class X12SyntaxError(X12Error):
    """The text is not X12: no ISA, a malformed ISA, bad separators, undecodable bytes."""


class EnvelopeError(X12Error):
    """An envelope is out of place, unclosed, or its trailer's control number does not match."""


class TruncatedError(EnvelopeError):
    """The file ends inside an envelope: a trailer (SE, GE, IEA) never came."""


class CountError(EnvelopeError):
    """A trailer's count (IEA01, GE01, SE01) does not match what the envelope holds."""


class ContentError(X12Error):
    """A segment is missing, out of place, or an element's value is missing or invalid."""


class WriteError(X12Error):
    """A value cannot be written into the X12 being generated (missing or not writable)."""


class BalanceError(ContentError):
    """Amounts that must add up do not: a claim, a service line or the payment's total."""
