"""Anonymous failures in the audit log as counted summaries, one per address per minute.

A bad API token, a refused patient link, a log-in with a user name that is no account
or to a locked account comes from someone not logged in, and a script
trying tokens sends hundreds a second: one audit entry each would bury the log (and
every entry takes the chain's lock). So each kind of failure, per client address and
minute, leaves at most two entries:

1. the minute's **first** failure is recorded at once, as it always was (what was tried,
   the address, the request id), saying that further ones are counted;
2. the others only add to a counter (``FailureTally``, one row per address, kind and
   minute: one UPDATE, no audit entry). Once the minute is over, the counter becomes
   **one summary entry** stating how many failures there were in all and how many of
   them the rate limit refused unchecked, and the counter is deleted. A minute with a
   single failure needs no summary.

The audit chain stays append-only (decision 0007): no entry is ever updated; the counter
is a working table outside the chain. The summary is written by the next anonymous
failure after the minute, from any address, and by the periodic task every minute
(``flush_failure_tallies``, registered in core/apps.py), so it appears even when the
failures stop. The counter and the summary are deleted and written in one transaction, so
a summary is written once even with several processes flushing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from medoffice.core import auditchain
from medoffice.core import context as request_context
from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, AuditOutcome, FailureTally
from medoffice.core.permissions import SystemActor

# The summaries are the system's own entries, written by whichever request or task comes
# next: never under the name of a user whose request happened to flush them.
FAILURE_SUMMARY = SystemActor("failure summary")

# What each kind's summary calls one failure.
KIND_NAMES = {
    "log-in": "failed log-ins with a user name that is no account",
    "locked log-in": "log-in attempts on locked accounts",
    "api token": "failed API tokens (unknown, revoked or expired)",
    "patient link": "refused patient links",
    "calendar feed": "unknown calendar-feed addresses",
}


def minute_of(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(second=0, microsecond=0)


def record_anonymous_failure(
    kind: str,
    *,
    action: AuditAction,
    object_type: str,
    detail: str,
    outcome: AuditOutcome = AuditOutcome.FAILURE,
    object_id: str | int = "",
    username: str = "",
    throttled: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """Count one failure of ``kind`` from the request's address; audit the minute's first.

    ``throttled``: the rate limit refused the attempt before it was checked; ``username``:
    the name typed at a log-in, kept in the first entry.
    """
    now = now or timezone.now()
    minute = minute_of(now)
    source = auditchain.canonical_ip(request_context.current().client_ip) or ""
    flush_failure_tallies(now=now)
    if _count(source, kind, minute, throttled):
        return
    try:
        with transaction.atomic():
            tally = FailureTally.objects.create(
                source_ip=source,
                kind=kind,
                minute=minute,
                throttled=int(throttled),
                action=str(action),
                object_type=object_type,
                outcome=str(outcome),
                first_seq=0,
            )
            event = record_event(
                action,
                user=None,
                username=username,
                object_type=object_type,
                object_id=object_id,
                outcome=outcome,
                detail=(
                    f"{detail}; the first from this address in the minute from "
                    f"{minute:%H:%M} UTC: further ones that minute are counted in one entry"
                ),
            )
            FailureTally.objects.filter(pk=tally.pk).update(first_seq=event.seq)
    except IntegrityError:
        # Another request opened this minute's counter first: count this one in it.
        _count(source, kind, minute, throttled)


def _count(source: str, kind: str, minute: dt.datetime, throttled: bool) -> bool:
    """Add one to an open counter; False when there is none yet."""
    return bool(
        FailureTally.objects.filter(source_ip=source, kind=kind, minute=minute).update(
            count=F("count") + 1, throttled=F("throttled") + int(throttled)
        )
    )


def flush_failure_tallies(*, now: dt.datetime | None = None) -> int:
    """Write the summary of every minute that is over; returns how many were written."""
    current = minute_of(now or timezone.now())
    written = 0
    for tally in FailureTally.objects.filter(minute__lt=current).order_by("minute", "pk"):
        with transaction.atomic():
            # Deleting this very state first means only one flush writes the summary.
            deleted, _ = FailureTally.objects.filter(
                pk=tally.pk, count=tally.count, throttled=tally.throttled
            ).delete()
            if not deleted or tally.count < 2:
                continue
            name = KIND_NAMES.get(tally.kind, tally.kind)
            unchecked = (
                f", {tally.throttled} of them refused by the rate limit unchecked"
                if tally.throttled
                else ""
            )
            record_event(
                tally.action,
                user=FAILURE_SUMMARY,
                object_type=tally.object_type,
                outcome=tally.outcome,
                client_ip=tally.source_ip,
                detail=(
                    f"summary: {tally.count} {name} from this address in the minute from "
                    f"{tally.minute:%Y-%m-%d %H:%M} UTC{unchecked}; the first is entry "
                    f"{tally.first_seq}"
                ),
            )
            written += 1
    return written
