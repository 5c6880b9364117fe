"""Streaming X12 tokenizer and envelope checker.

``segments(source)`` learns the separators from the ISA (element ISA's fourth character,
repetition ISA11, component ISA16, segment terminator right after ISA16), then yields one
``Segment`` at a time; given a file object or a ``Path`` it reads 64 KiB at a time, so a
file of any size is streamed. A UTF-8 byte-order mark before the ISA, line breaks after
terminators and CRLF are accepted. ``X12Reader`` adds the envelope checks: ISA/IEA,
GS/GE and ST/SE pairing, control numbers (ISA13 = IEA02, GS06 = GE02, ST02 = SE02) and
counts (IEA01, GE01, SE01). Every problem is an ``X12Error`` subclass naming the segment
number (the ISA is 1), its id and the element position.

A ``str`` source is X12 text; pass a ``pathlib.Path`` to read a file by name.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from medoffice.x12.errors import (
    CountError,
    EnvelopeError,
    TruncatedError,
    X12Error,
    X12SyntaxError,
)

CHUNK_SIZE = 1 << 16
MAX_SEGMENT = 1 << 20  # a "segment" longer than this means the terminator is wrong
ISA_ELEMENTS = 16
ISA_LENGTH = 106
_LINE_BREAKS = "\r\n"
_ENVELOPE_IDS = frozenset({"ISA", "IEA", "TA1", "GS", "GE", "ST", "SE"})

Source = str | bytes | bytearray | os.PathLike[str] | IO[str] | IO[bytes]


@dataclass(frozen=True, slots=True)
class Separators:
    """The delimiters an interchange declares; ``repetition`` is empty when it has none."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"


DEFAULT_SEPARATORS = Separators()


@dataclass(slots=True)
class Segment:
    """One segment: its number in the file (ISA = 1), its id and its elements (1-based).

    Not frozen: a frozen dataclass's ``__init__`` costs several times a plain one, and the
    tokenizer makes one per segment. Treat it as read-only all the same.
    """

    number: int
    id: str
    elements: tuple[str, ...]
    separators: Separators = DEFAULT_SEPARATORS

    def get(self, position: int) -> str:
        """Element ``position`` (1-based, as in CLM01), or "" when the segment is shorter."""
        if 1 <= position <= len(self.elements):
            return self.elements[position - 1]
        return ""

    def components(self, position: int) -> tuple[str, ...]:
        """The components of element ``position`` (a composite such as SV101)."""
        value = self.get(position)
        return tuple(value.split(self.separators.component)) if value else ()

    def component(self, position: int, index: int) -> str:
        """Component ``index`` (1-based) of element ``position``, "" when absent."""
        parts = self.components(position)
        return parts[index - 1] if 1 <= index <= len(parts) else ""

    def repetitions(self, position: int) -> tuple[str, ...]:
        """The repeats of element ``position`` split on the repetition separator."""
        value = self.get(position)
        if not value:
            return ()
        if not self.separators.repetition:
            return (value,)
        return tuple(value.split(self.separators.repetition))


def _decoded(chunks: Iterable[str | bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = 0
    try:
        for chunk in chunks:
            if isinstance(chunk, str):
                yield chunk
                continue
            offset += len(chunk)
            yield decoder.decode(chunk)
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise X12SyntaxError(
            f"the file is not UTF-8 text (byte {exc.start + 1} of a chunk ending at {offset})"
        ) from None


def _read_chunks(handle: IO[str] | IO[bytes]) -> Iterator[str | bytes]:
    while True:
        try:
            chunk = handle.read(CHUNK_SIZE)
        except UnicodeDecodeError:
            raise X12SyntaxError("the file is not UTF-8 text") from None
        if not chunk:
            return
        yield chunk


def _text_chunks(source: Source) -> Iterator[str]:
    if isinstance(source, str):
        yield source
    elif isinstance(source, (bytes, bytearray)):
        yield from _decoded([bytes(source)])
    elif isinstance(source, os.PathLike):
        try:
            with open(os.fspath(source), "rb") as handle:
                yield from _decoded(_read_chunks(handle))
        except OSError as exc:
            raise X12SyntaxError(f"cannot read {os.fspath(source)}: {exc.strerror}") from None
    else:
        yield from _decoded(_read_chunks(source))


def _valid_separator(char: str) -> bool:
    return len(char) == 1 and not char.isalnum() and not char.isspace() and char.isprintable()


def _separators_from_isa(head: str) -> tuple[Separators, int]:
    """The separators the ISA at the start of ``head`` declares, and where the ISA ends."""
    element = head[3]
    if not _valid_separator(element):
        raise X12SyntaxError(
            f"the ISA's element separator {element!r} is not a usable separator",
            segment_number=1,
            segment_id="ISA",
        )
    found = [i for i, char in enumerate(head[: ISA_LENGTH + 40]) if char == element]
    if len(found) < ISA_ELEMENTS:
        raise X12SyntaxError(
            f"the ISA has {len(found)} elements, 16 expected",
            segment_number=1,
            segment_id="ISA",
        )
    last = found[ISA_ELEMENTS - 1]
    if last + 2 >= len(head):
        raise X12SyntaxError(
            "the file ends inside the ISA", segment_number=1, segment_id="ISA", element=16
        )
    component, terminator = head[last + 1], head[last + 2]
    if terminator in _LINE_BREAKS:
        pass  # a terminator that is a line break is allowed
    elif not _valid_separator(terminator):
        raise X12SyntaxError(
            f"the segment terminator {terminator!r} after ISA16 is not a usable separator",
            segment_number=1,
            segment_id="ISA",
            element=16,
        )
    if not _valid_separator(component):
        raise X12SyntaxError(
            f"ISA16 {component!r} is not a usable component separator",
            segment_number=1,
            segment_id="ISA",
            element=16,
        )
    repetition = head[found[10] + 1 : found[11]]
    if len(repetition) != 1 or not _valid_separator(repetition):
        repetition = ""  # "U" under 00401: no repetition separator
    if len({element, component, terminator}) < 3:
        raise X12SyntaxError(
            "the ISA declares the same character for two separators",
            segment_number=1,
            segment_id="ISA",
            element=16,
        )
    if repetition in {element, component, terminator}:
        repetition = ""
    return Separators(element, component, repetition, terminator), last + 3


def _valid_id(segment_id: str) -> bool:
    return 2 <= len(segment_id) <= 3 and segment_id.isascii() and segment_id.isalnum()


class _NoTerminator(Exception):
    """Raised by ``piece_lists`` when a buffer outgrows ``MAX_SEGMENT`` (numbered by its reader)."""


def piece_lists(source: Source) -> Iterator[tuple[Separators, bool, list[str]]]:
    """The raw segment texts of ``source``, a chunk's worth at a time, with the separators.

    Each item is ``(separators, strip, pieces)``: ``pieces`` are the texts between segment
    terminators (the first list holds the ISA alone), ``strip`` tells whether each must be
    stripped of line breaks (the terminator being one). Empty pieces are the reader's to
    skip. A buffer with no terminator in ``MAX_SEGMENT`` characters raises ``_NoTerminator``.
    """
    chunks = _text_chunks(source)
    head = ""
    for chunk in chunks:
        head += chunk
        stripped = head.lstrip("\ufeff \t\r\n")
        if len(stripped) >= ISA_LENGTH + 40:
            break
    head = head.lstrip("\ufeff \t\r\n")
    if not head:
        raise X12SyntaxError("the file is empty")
    if not head.startswith("ISA") or len(head) < 4:
        raise X12SyntaxError(
            f"the file does not start with an ISA segment (it starts {head[:10]!r})",
            segment_number=1,
        )
    separators, end = _separators_from_isa(head)
    terminator = separators.segment
    # Line breaks after terminators are layout, not data: when the terminator is not
    # itself a line break, drop them from each chunk at once (one C-level pass) rather
    # than stripping every segment.
    breaks_are_layout = terminator not in _LINE_BREAKS
    strip = not breaks_are_layout

    def pieces_of(text: str) -> list[str]:
        if breaks_are_layout:
            text = text.replace("\r", "").replace("\n", "")
        return text.split(terminator)

    yield separators, strip, [head[: end - 1].strip(_LINE_BREAKS)]
    buffer = head[end:]
    for chunk in chunks:
        buffer += chunk
        pieces = pieces_of(buffer)
        buffer = pieces.pop()
        if len(buffer) > MAX_SEGMENT:
            raise _NoTerminator
        yield separators, strip, pieces
    yield separators, strip, pieces_of(buffer)


def no_terminator(separators: Separators | None, number: int) -> X12SyntaxError:
    """The error for a file whose terminator is not found; ``number`` segments were read."""
    terminator = separators.segment if separators is not None else "~"
    return X12SyntaxError(
        f"no segment terminator {terminator!r} in {MAX_SEGMENT:,} characters",
        segment_number=number + 1,
    )


def segments(source: Source) -> Iterator[Segment]:
    """Tokenize ``source``: yield every segment with its number; raise ``X12SyntaxError``."""
    known_ids: set[str] = set()
    number = 0
    separators: Separators | None = None
    # The loop body is written out rather than called per segment: at tens of thousands
    # of segments a second, the call is a fair part of the cost.
    try:
        for separators, strip, pieces in piece_lists(source):
            element = separators.element
            for piece in pieces:
                if strip:
                    piece = piece.strip()
                if not piece:
                    continue
                number += 1
                parts = piece.split(element)
                segment_id = parts[0]
                if segment_id not in known_ids:
                    check_id(segment_id, number)
                    known_ids.add(segment_id)
                yield Segment(number, segment_id, tuple(parts[1:]), separators)
    except _NoTerminator:
        raise no_terminator(separators, number) from None


def check_id(segment_id: str, number: int) -> None:
    """Raise ``X12SyntaxError`` when ``segment_id`` is no segment id."""
    if not _valid_id(segment_id):
        raise X12SyntaxError(f"{segment_id[:20]!r} is not a segment id", segment_number=number)


def _count(segment: Segment, position: int) -> int | None:
    value = segment.get(position).strip()
    return int(value) if value.isdigit() and value.isascii() else None


class X12Reader:
    """Iterate an interchange's segments while checking its envelopes and counts.

    ``strict`` (the default) raises the first envelope problem; otherwise problems are
    collected in ``errors`` and reading goes on. Tokenizing problems always raise.
    ``set_position`` is the current segment's position inside its transaction set
    (ST = 1), the position a 999 reports.
    """

    def __init__(self, source: Source, *, strict: bool = True) -> None:
        self._segments = segments(source)
        self.strict = strict
        self.errors: list[X12Error] = []
        self.separators: Separators = DEFAULT_SEPARATORS
        self.set_position = 0
        self.interchanges = 0
        self._isa: Segment | None = None
        self._gs: Segment | None = None
        self._st: Segment | None = None
        self._groups = 0
        self._sets = 0

    def _problem(self, error: X12Error) -> None:
        if self.strict:
            raise error
        self.errors.append(error)

    @property
    def in_set(self) -> bool:
        """Whether an ST is open (a segment other than an envelope's is then the set's)."""
        return self._st is not None

    def __iter__(self) -> Iterator[Segment]:
        last: Segment | None = None
        check = self.check
        for segment in self._segments:
            last = segment
            if self._st is not None:
                self.set_position += 1
                if segment.id not in _ENVELOPE_IDS:  # the common case first: inside a set
                    yield segment
                    continue
            check(segment)
            yield segment
        if last is None:
            raise X12SyntaxError("the file holds no segment")
        self.finish(last.number, last.id)

    def check(self, segment: Segment) -> None:
        """Check one envelope segment (or one outside any set); ``set_position`` counted."""
        sid = segment.id
        isa, gs, st = self._isa, self._gs, self._st
        if sid == "ISA":
            self.separators = segment.separators
            if isa is not None:
                self._problem(self._unclosed(isa, "IEA", segment))
            self._isa, self._gs, self._st, self._groups = segment, None, None, 0
            self.interchanges += 1
            if len(segment.elements) != ISA_ELEMENTS:
                self._problem(
                    X12SyntaxError(
                        f"the ISA has {len(segment.elements)} elements, 16 expected",
                        segment_number=segment.number,
                        segment_id="ISA",
                    )
                )
        elif sid == "IEA":
            if isa is None:
                self._problem(self._outside(segment, "an ISA"))
            else:
                if gs is not None:
                    self._problem(self._unclosed(gs, "GE", segment))
                self._match(segment, 2, isa, 13)
                self._tally(segment, 1, self._groups, "functional groups")
            self._isa = self._gs = self._st = None
        elif sid == "TA1":
            if isa is None or gs is not None:
                self._problem(self._outside(segment, "an ISA and before any GS"))
        elif sid == "GS":
            if isa is None:
                self._problem(self._outside(segment, "an ISA"))
            if gs is not None:
                self._problem(self._unclosed(gs, "GE", segment))
            self._gs, self._st, self._sets = segment, None, 0
            self._groups += 1
        elif sid == "GE":
            if gs is None:
                self._problem(self._outside(segment, "a GS"))
            else:
                if st is not None:
                    self._problem(self._unclosed(st, "SE", segment))
                self._match(segment, 2, gs, 6)
                self._tally(segment, 1, self._sets, "transaction sets")
            self._gs = self._st = None
        elif sid == "ST":
            if gs is None:
                self._problem(self._outside(segment, "a GS"))
            if st is not None:
                self._problem(self._unclosed(st, "SE", segment))
            self._st = segment
            self._sets += 1
            self.set_position = 1
        elif sid == "SE":
            if st is None:
                self._problem(self._outside(segment, "an ST"))
            else:
                self._match(segment, 2, st, 2)
                self._tally(segment, 1, self.set_position, "segments (ST to SE)")
            self._st = None
        elif st is None:
            self._problem(self._outside(segment, "an ST"))

    def finish(self, number: int, segment_id: str) -> None:
        """At the end of the file (its last segment ``number``, ``segment_id``): what is open."""
        for envelope, trailer in ((self._st, "SE"), (self._gs, "GE"), (self._isa, "IEA")):
            if envelope is not None:
                self._problem(
                    TruncatedError(
                        f"the file ends before the {trailer} closing the {envelope.id} "
                        f"of segment {envelope.number}",
                        segment_number=number,
                        segment_id=segment_id,
                    )
                )

    def _match(self, trailer: Segment, at: int, header: Segment, header_at: int) -> None:
        ours, theirs = trailer.get(at).strip(), header.get(header_at).strip()
        if ours != theirs:
            self._problem(
                EnvelopeError(
                    f"{trailer.id}{at:02d} {ours!r} does not match {header.id}{header_at:02d} "
                    f"{theirs!r} (segment {header.number})",
                    segment_number=trailer.number,
                    segment_id=trailer.id,
                    element=at,
                )
            )

    def _tally(self, trailer: Segment, at: int, actual: int, what: str) -> None:
        declared = _count(trailer, at)
        if declared != actual:
            self._problem(
                CountError(
                    f"{trailer.id}{at:02d} says {trailer.get(at)!r} but there are {actual} {what}",
                    segment_number=trailer.number,
                    segment_id=trailer.id,
                    element=at,
                )
            )

    @staticmethod
    def _outside(segment: Segment, where: str) -> EnvelopeError:
        return EnvelopeError(
            f"{segment.id} is outside {where}",
            segment_number=segment.number,
            segment_id=segment.id,
        )

    @staticmethod
    def _unclosed(header: Segment, trailer: str, at: Segment) -> EnvelopeError:
        return EnvelopeError(
            f"the {header.id} of segment {header.number} has no {trailer}",
            segment_number=at.number,
            segment_id=at.id,
        )


def envelope_errors(source: Source) -> list[X12Error]:
    """Read ``source`` to its end and return every envelope problem (tokenizing ones too)."""
    reader = X12Reader(source, strict=False)
    try:
        for _ in reader:
            pass
    except X12Error as exc:
        reader.errors.append(exc)
    return reader.errors
