"""The demo's year of visits: the planner, the appointments, their trail and slot claims."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from medoffice.core.demo.helpers import (
    BATCH,
    db_datetime,
    demo_now,
    demo_rng,
    demo_size,
    demo_users,
    insert_rows,
    keep_given,
)
from medoffice.core.models import Location, practice_zone
from medoffice.scheduling.demo.setup import PROVIDERS, TYPES, ProviderSpec

# --- 3. a year of appointments --------------------------------------------------------------

REASONS = {
    "new": ["Establish care", "New to the area, establish care", "Transfer of care"],
    "est": [
        "Blood pressure follow-up",
        "Diabetes follow-up",
        "Medication review",
        "Thyroid follow-up",
        "Follow-up of lab results",
        "Asthma follow-up",
    ],
    "physical": ["Annual physical", "Annual wellness visit", "Pre-employment physical"],
    "sick": [
        "Sore throat",
        "Cough and fever",
        "Ear pain",
        "Rash",
        "Back pain",
        "Urinary symptoms",
        "Sinus congestion",
    ],
    "tele": ["Lab results review", "Medication check", "Follow-up by video"],
    "wellchild": ["Well-child check", "School physical", "Sports physical", "Vaccines"],
    "procedure": ["Skin lesion removal", "Joint injection", "Ingrown toenail", "Wart treatment"],
    "ecg": ["Pre-operative ECG", "Palpitations", "Chest discomfort work-up"],
}
CANCEL_REASONS = [
    "Patient ill",
    "Work conflict",
    "Transportation problem",
    "Feeling better",
    "Family emergency",
    "Weather",
]
PEDIATRIC_TYPES = {"new", "est", "sick", "wellchild", "tele"}
LOCATION_PACE = {"MAIN": 1.0, "NORTH": 1.15, "LAKE": 1.3}
CLAIM_FREE = {"cancelled", "no_show"}  # statuses whose time is released (as the services do)


@dataclass
class _Visit:
    """One appointment being generated, with its status trail."""

    provider_id: int
    location_id: int
    type_code: str
    patient: int
    start: dt.datetime
    end: dt.datetime
    reason: str
    overbook: bool = False
    booked_at: dt.datetime | None = None
    events: list[tuple[str, dt.datetime, str]] = field(default_factory=list)
    status: str = "scheduled"
    resource_id: int | None = None
    room_id: int | None = None
    late: bool = False
    late_cancel: bool = False
    cancel_reason: str = ""


def _minutes(rng: random.Random, median: float, spread: float = 0.5) -> dt.timedelta:
    return dt.timedelta(minutes=max(0.5, median * math.exp(rng.gauss(0, spread))))


class _Planner:
    """Walks each provider's working days and writes visits into their template blocks."""

    def __init__(self, context: dict[str, Any], seed: int) -> None:
        from medoffice.patients.models import Coverage, Patient
        from medoffice.scheduling.models import (
            AppointmentType,
            OverbookRule,
            Provider,
            Resource,
            ScheduleException,
            TemplateBlock,
        )
        from medoffice.scheduling.selectors import practice_holidays

        self.rng = demo_rng(seed, "appointments")
        self.size = demo_size(context)
        self.now = demo_now(context)
        self.tz = practice_zone()
        self.today = self.now.astimezone(self.tz).date()
        self.first_day = self.today - dt.timedelta(days=self.size.past_days)
        self.last_day = self.today + dt.timedelta(days=self.size.future_days)
        users = demo_users(context)
        self.desk = {
            "MAIN": users.get("frontdesk"),
            "NORTH": users.get("frontdesk2"),
            "LAKE": users.get("frontdesk"),
        }
        self.nurse = users.get("nurse")
        self.locations = {loc.pk: loc.code for loc in Location.objects.all()}
        specs = {(s.first, s.last): s for s in PROVIDERS}
        self.providers = [
            (p, specs.get((p.first_name, p.last_name)))
            for p in Provider.objects.filter(is_active=True).order_by("pk")
        ]
        self.types = {t.code: t for t in AppointmentType.objects.filter(is_active=True)}
        self.overbooking = set(
            OverbookRule.objects.filter(is_active=True).values_list("provider_id", flat=True)
        )
        self.type_providers = {
            t.code: set(t.providers.values_list("pk", flat=True)) for t in self.types.values()
        }
        self.weights = {code: weight for code, *_rest, weight in TYPES}
        self.needs: dict[tuple[str, int], int] = {}
        for t in self.types.values():
            for requirement in t.resource_requirements.prefetch_related("resources"):
                for resource in requirement.resources.all():
                    self.needs[(t.code, resource.location_id)] = resource.pk
        self.rooms: dict[int, list[int]] = defaultdict(list)
        for resource in Resource.objects.filter(
            kind="room", is_active=True, name__startswith="Exam"
        ):
            self.rooms[resource.location_id].append(resource.pk)
        self.blocks: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for block in TemplateBlock.objects.prefetch_related("appointment_types").order_by("start"):
            allowed = {t.code for t in block.appointment_types.all()} or None
            self.blocks[(block.provider_id, block.weekday)].append((block, allowed))
        self.exceptions = list(
            ScheduleException.objects.filter(
                start__lt=dt.datetime.combine(self.last_day, dt.time(23, 59), tzinfo=self.tz),
                end__gt=dt.datetime.combine(self.first_day, dt.time(0), tzinfo=self.tz),
            )
        )
        self.holidays = practice_holidays(range(self.first_day.year, self.last_day.year + 1))
        # Patients: who may be seen, where they live, their copay.
        copays = dict(
            Coverage.objects.filter(order=1, is_active=True).values_list("patient_id", "copay")
        )
        self.copay: dict[int, Decimal | None] = {}
        self.last_ok: dict[int, dt.date] = {}
        self.pool: dict[tuple[int | None, bool], list[int]] = defaultdict(list)
        self.unseen: dict[tuple[int | None, bool], list[int]] = defaultdict(list)
        rows = Patient.objects.order_by("mrn").values_list(
            "pk", "home_location_id", "date_of_birth", "is_active", "deceased_date"
        )
        for pk, home, born, active, died in rows:
            minor = (self.today - born).days < 18 * 365
            self.copay[pk] = copays.get(pk)
            if died is not None:
                self.last_ok[pk] = died - dt.timedelta(days=1)
            elif not active:
                self.last_ok[pk] = self.today - dt.timedelta(days=60)
            for key in ((home, minor), (None, minor)):
                self.pool[key].append(pk)
                self.unseen[key].append(pk)
        for pks in self.unseen.values():
            self.rng.shuffle(pks)
        self.seen: set[int] = set()
        self.busy_day: set[tuple[int, dt.date]] = set()
        self.resource_busy: dict[tuple[int, dt.date], list[tuple[int, int]]] = defaultdict(list)
        self.room_free: dict[tuple[int, dt.date], dict[int, dt.datetime]] = {}
        self.visits: list[_Visit] = []

    # -- the calendar ----------------------------------------------------------------------

    def local(self, day: dt.date, minute: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.tz)

    def closed(self, provider_id: int, location_id: int, day: dt.date) -> list[tuple[int, int]]:
        """Minutes of the day nobody may book this provider here (time off, meetings…)."""
        day_start = self.local(day, 0)
        day_end = day_start + dt.timedelta(days=1)
        out = []
        for e in self.exceptions:
            if e.provider_id not in (None, provider_id) or e.location_id not in (None, location_id):
                continue
            if e.start >= day_end or e.end <= day_start:
                continue
            start = max(e.start.astimezone(self.tz), day_start)
            end = min(e.end.astimezone(self.tz), day_end)
            out.append(
                (
                    int((start - day_start).total_seconds() // 60),
                    math.ceil((end - day_start).total_seconds() / 60),
                )
            )
        return out

    # -- patients --------------------------------------------------------------------------

    def patient(self, location_id: int, day: dt.date, minor: bool | None, new: bool) -> int | None:
        rng = self.rng
        for _ in range(12):
            is_minor = minor if minor is not None else rng.random() < 0.2
            home = location_id if rng.random() < 0.85 else None
            if new:
                pool = self.unseen[(home, is_minor)]
                while pool and pool[-1] in self.seen:
                    pool.pop()
                if not pool:
                    return None
                pk = pool[-1]
            else:
                pool = self.pool[(home, is_minor)]
                if not pool:
                    continue
                pk = pool[rng.randrange(len(pool))]
            if (pk, day) in self.busy_day:
                continue
            limit = self.last_ok.get(pk)
            if limit is not None and (day > limit or day >= self.today):
                continue
            self.busy_day.add((pk, day))
            self.seen.add(pk)
            return pk
        return None

    # -- walking the book ------------------------------------------------------------------

    def run(self) -> list[_Visit]:
        day = self.first_day
        while day < self.last_day:
            if day not in self.holidays:
                for provider, spec in self.providers:
                    self.provider_day(provider, spec, day)
            day += dt.timedelta(days=1)
        return self.visits

    def fill_chance(self, day: dt.date) -> float:
        if day <= self.today:
            return 0.7
        ahead = (day - self.today).days
        return 0.7 * (1 - 0.55 * ahead / max(self.size.future_days, 1))

    def provider_day(self, provider: Any, spec: ProviderSpec | None, day: dt.date) -> None:
        rng = self.rng
        pediatric = bool(spec and spec.pediatric)
        adults_only = bool(spec and spec.specialty == "Internal medicine")
        chance = self.fill_chance(day)
        for block, allowed in self.blocks.get((provider.pk, day.weekday()), []):
            if block.effective_from > day or (block.effective_to and block.effective_to < day):
                continue
            closed = self.closed(provider.pk, block.location_id, day)
            cursor = block.start.hour * 60 + block.start.minute
            end = block.end.hour * 60 + block.end.minute
            codes = [
                code
                for code in self.types
                if (allowed is None or code in allowed)
                and (not self.type_providers[code] or provider.pk in self.type_providers[code])
                and (not pediatric or code in PEDIATRIC_TYPES)
                and not (adults_only and code == "wellchild")
            ]
            while cursor < end:
                blocked = next((c for c in closed if c[0] <= cursor < c[1]), None)
                if blocked:
                    cursor = blocked[1]
                    continue
                if rng.random() >= chance:
                    cursor += 15
                    continue
                visit = self.place(
                    provider,
                    spec,
                    block.location_id,
                    day,
                    cursor,
                    end,
                    codes,
                    closed,
                    pediatric,
                    adults_only,
                )
                if visit is None:
                    cursor += 15
                    continue
                self.visits.append(visit)
                self.outcome(visit, spec)
                if visit.status == "cancelled" and rng.random() < 0.4:
                    continue  # the freed time was booked again
                cursor += self.types[visit.type_code].duration
            if provider.pk in self.overbooking and day <= self.today and rng.random() < 0.25:
                self.overbook(provider, spec, block, day)

    def place(
        self,
        provider: Any,
        spec: ProviderSpec | None,
        location_id: int,
        day: dt.date,
        cursor: int,
        end: int,
        codes: list[str],
        closed: list[tuple[int, int]],
        pediatric: bool,
        adults_only: bool,
    ) -> _Visit | None:
        rng = self.rng
        fitting = []
        for code in codes:
            stop = cursor + self.types[code].duration
            if stop > end or any(c[0] < stop and cursor < c[1] for c in closed):
                continue
            need = self.needs.get((code, location_id))
            if (code, location_id) not in self.needs and any(k[0] == code for k in self.needs):
                continue  # needs equipment this location does not have
            if need and any(b[0] < stop and cursor < b[1] for b in self.resource_busy[(need, day)]):
                continue
            fitting.append(code)
        if not fitting:
            return None
        weights = [
            self.weights.get(c, 1) * (4 if pediatric and c == "wellchild" else 1) for c in fitting
        ]
        code = rng.choices(fitting, weights=weights)[0]
        minor: bool | None = True if pediatric or code == "wellchild" else None
        if adults_only:
            minor = False
        pk = self.patient(location_id, day, minor, new=code == "new")
        if pk is None and code == "new":
            code = "est" if "est" in fitting else fitting[0]
            pk = self.patient(location_id, day, minor, new=False)
        if pk is None:
            return None
        duration = self.types[code].duration
        need = self.needs.get((code, location_id))
        if need:
            self.resource_busy[(need, day)].append((cursor, cursor + duration))
        start = self.local(day, cursor)
        return _Visit(
            provider_id=provider.pk,
            location_id=location_id,
            type_code=code,
            patient=pk,
            start=start,
            end=start + dt.timedelta(minutes=duration),
            reason=rng.choice(REASONS.get(code, [""])),
            resource_id=need,
            room_id=need if code == "procedure" else None,
        )

    def overbook(self, provider: Any, spec: ProviderSpec | None, block: Any, day: dt.date) -> None:
        rng = self.rng
        # run() never walks a holiday, so only closures are checked here.
        if self.closed(provider.pk, block.location_id, day):
            return
        first = block.start.hour * 60 + block.start.minute
        last = block.end.hour * 60 + block.end.minute - 15
        minute = first + 15 * rng.randrange(max((last - first) // 15, 1))
        pk = self.patient(block.location_id, day, None, new=False)
        if pk is None or "sick" not in self.types:
            return
        start = self.local(day, minute)
        visit = _Visit(
            provider_id=provider.pk,
            location_id=block.location_id,
            type_code="sick",
            patient=pk,
            start=start,
            end=start + dt.timedelta(minutes=self.types["sick"].duration),
            reason=rng.choice(REASONS["sick"]) + " (walk-in)",
            overbook=True,
        )
        self.visits.append(visit)
        self.outcome(visit, spec)

    # -- what happened to each visit -------------------------------------------------------

    def outcome(self, visit: _Visit, spec: ProviderSpec | None) -> None:
        from medoffice.scheduling.services import LATE_ARRIVAL_MINUTES

        rng = self.rng
        code = self.locations[visit.location_id]
        desk = "desk"
        lead_days = {"sick": 0, "new": rng.randrange(7, 40), "physical": rng.randrange(14, 90)}
        lead = dt.timedelta(
            days=lead_days.get(visit.type_code, rng.randrange(2, 45)),
            minutes=rng.randrange(30, 300),
        )
        booked = min(visit.start - lead, self.now - dt.timedelta(minutes=5))
        visit.booked_at = booked
        events = [("scheduled", booked, desk)]
        roll = rng.random()
        if roll < (0.03 if visit.start > self.now else 0.05):
            late = rng.random() < 0.3
            before = (
                dt.timedelta(hours=rng.uniform(1, 20))
                if late
                else dt.timedelta(days=rng.uniform(2, 12))
            )
            at = visit.start - before
            if visit.start > self.now:  # a future visit cancelled some time before today
                at = booked + (self.now - booked) * rng.random()
                late = visit.start - at < dt.timedelta(hours=24)
            elif at <= booked:
                at = booked + (visit.start - booked) / 2
                late = visit.start - at < dt.timedelta(hours=24)
            if at <= self.now:
                visit.late_cancel = late
                visit.cancel_reason = rng.choice(CANCEL_REASONS)
                events.append(("cancelled", at, desk))
                self.finish(visit, events)
                return
        if rng.random() < 0.6:
            at = visit.start - dt.timedelta(days=rng.uniform(1, 3))
            if at > booked:
                events.append(("confirmed", at, desk))
        if roll > 1 - 0.072:
            events.append(
                ("no_show", visit.start + dt.timedelta(minutes=rng.randrange(30, 90)), desk)
            )
            self.finish(visit, events)
            return
        afternoon = visit.start.astimezone(self.tz).hour >= 12
        pace = (spec.pace if spec else 1.0) * LOCATION_PACE.get(code, 1.0)
        pace *= 1.3 if afternoon else 1.0
        if self.types[visit.type_code].is_telehealth:
            pace *= 0.4
        offset = min(25.0, max(-20.0, rng.gauss(-6, 9)))
        arrived = visit.start + dt.timedelta(minutes=offset)
        visit.late = offset > LATE_ARRIVAL_MINUTES
        events.append(("arrived", arrived, desk))
        if rng.random() < 0.006:
            roomed_after = _minutes(rng, 25 * pace) if rng.random() < 0.5 else None
            left = arrived + dt.timedelta(minutes=rng.randrange(50, 100))
            if roomed_after is not None:
                # Roomed, then tired of waiting for the provider: the room comes before
                # the leaving, however slow the day.
                roomed = min(arrived + roomed_after, left - dt.timedelta(minutes=5))
                events.append(("roomed", roomed, "flow"))
            events.append(("lwbs", left, "flow"))
            self.finish(visit, events)
            return
        roomed = arrived + _minutes(rng, 8 * pace)
        with_provider = roomed + _minutes(rng, 12 * pace)
        seen = with_provider + _minutes(rng, self.types[visit.type_code].duration * 0.9, 0.2)
        events.append(("roomed", roomed, "flow"))
        events.append(("with_provider", with_provider, "flow"))
        if rng.random() < 0.8:
            events.append(("checkout", seen, "flow"))
            events.append(("completed", seen + _minutes(rng, 5, 0.4), "desk"))
        else:
            events.append(("completed", seen, "flow"))
        self.finish(visit, events)

    def finish(self, visit: _Visit, events: list[tuple[str, dt.datetime, str]]) -> None:
        """Keep what had happened by "now" (today's visits are part-way along the flow)."""
        kept = [e for e in events if e[1] <= self.now]
        if not kept:
            kept = events[:1]
        if (
            kept[-1][0] in {"scheduled", "confirmed"}
            and visit.start + dt.timedelta(minutes=30) <= self.now
            and visit.start.astimezone(self.tz).date() == self.today
        ):
            # Today's patient who never came: the desk marked the no-show half an hour in.
            kept.append(("no_show", visit.start + dt.timedelta(minutes=30), "desk"))
        visit.events = kept
        visit.status = kept[-1][0]
        day = visit.start.astimezone(self.tz).date()
        roomed = next((e[1] for e in kept if e[0] == "roomed"), None)
        if (
            roomed is not None
            and visit.room_id is None
            and not self.types[visit.type_code].is_telehealth
        ):
            free = self.room_free.setdefault(
                (visit.location_id, day),
                {room: roomed - dt.timedelta(days=1) for room in self.rooms[visit.location_id]},
            )
            if free:
                idle = [r for r in sorted(free) if free[r] <= roomed]
                room = idle[0] if idle else min(free, key=lambda r: free[r])
                visit.room_id = room
                leaves = next(
                    (e[1] for e in kept if e[0] in {"checkout", "completed", "lwbs"}),
                    roomed + dt.timedelta(minutes=40),
                )
                free[room] = max(free[room], leaves)


def build_appointments(context: dict[str, Any], seed: int = 2026) -> None:
    """12 months of past and 2 months of future visits, their status trail, slot claims and
    what the copays taken at check-in need (``context["demo_visits"]``, for billing)."""
    from medoffice.scheduling.models import Appointment, AppointmentStatus, SlotClaim, StatusChange
    from medoffice.scheduling.services import STATUS_TIMESTAMP, granules

    if Appointment.objects.exists():
        return
    planner = _Planner(context, seed)
    if not planner.providers:
        return
    visits = planner.run()
    rng = planner.rng
    codes = planner.locations
    type_ids = {code: t.pk for code, t in planner.types.items()}
    # The flow's status → timestamp field, plus the cancellation's.
    stamp = {**STATUS_TIMESTAMP, AppointmentStatus.CANCELLED: "cancelled_at"}
    rows = []
    for visit in visits:
        desk = planner.desk.get(codes[visit.location_id])
        assert visit.booked_at is not None  # every planned visit was booked
        appointment = Appointment(
            patient_id=visit.patient,
            provider_id=visit.provider_id,
            location_id=visit.location_id,
            appointment_type_id=type_ids[visit.type_code],
            start=visit.start,
            end=visit.end,
            status=visit.status,
            room_id=visit.room_id,
            is_overbook=visit.overbook,
            reason=visit.reason,
            booked_by=desk,
            booked_at=visit.booked_at,
            is_late_arrival=visit.late and any(e[0] == "arrived" for e in visit.events),
            is_late_cancel=visit.late_cancel,
            cancel_reason=visit.cancel_reason if visit.status == "cancelled" else "",
        )
        for status, at, _who in visit.events:
            if status in stamp:
                setattr(appointment, stamp[status], at)
        rows.append(appointment)
    with keep_given(Appointment, "booked_at"):
        Appointment.objects.bulk_create(rows, batch_size=BATCH)

    claims: list[tuple] = []
    changes: list[tuple] = []
    links: list[tuple] = []
    checked_in: list[tuple] = []  # (patient, appointment, location, arrived, status, desk)
    through = Appointment.resources.through
    nurse_id = planner.nurse.pk if planner.nurse else None
    for visit, appointment in zip(visits, rows, strict=True):
        if not visit.overbook and visit.status not in CLAIM_FREE:
            claims += [
                (visit.provider_id, db_datetime(g), appointment.pk)
                for g in granules(visit.start, visit.end)
            ]
        desk = planner.desk.get(codes[visit.location_id])
        desk_id = desk.pk if desk else None
        previous = ""
        for status, at, who in visit.events:
            note = visit.cancel_reason if status == "cancelled" else ""
            by = desk_id if who == "desk" else nurse_id
            changes.append((appointment.pk, previous, status, db_datetime(at), by, note))
            previous = status
        if visit.resource_id:
            links.append((appointment.pk, visit.resource_id))
        checked_in.append(
            (
                visit.patient,
                appointment.pk,
                visit.location_id,
                appointment.arrived_at,
                visit.status,
                desk,
            )
        )
    insert_rows(SlotClaim, ["provider_id", "granule", "appointment_id"], claims)
    insert_rows(
        StatusChange,
        ["appointment_id", "from_status", "to_status", "changed_at", "changed_by_id", "note"],
        changes,
    )
    insert_rows(through, ["appointment_id", "resource_id"], links)
    # The copays taken at these check-ins are billing's rows (billing/demo.py): it draws
    # them from this builder's generator, which it continues where the visits left it.
    context["demo_visits"] = {
        "rng": rng,
        "copay": planner.copay,
        "visits": checked_in,
    }
