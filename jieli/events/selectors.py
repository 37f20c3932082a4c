"""Reads for events: the one visibility rule, the organiser check, suggestions, agendas, plans
and the report.

The rule (``visible_events``): an open or finished public event is seen by everyone; any
event is seen by its organiser's people and the secretariat; a non-public one also by its
registered people. Everyone else gets a 404.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from jieli.core.errors import NotFound
from jieli.core.viewer import Viewer
from jieli.events.models import (
    Event,
    EventStatus,
    Meeting,
    MeetingRequest,
    Outcome,
    Registration,
    RegistrationStatus,
    RequestStatus,
    ScheduleRun,
)


def visible_events(viewer: Viewer) -> QuerySet[Event]:
    qs = Event.objects.select_related("organiser")
    if viewer.is_staff_role:
        return qs
    q = Q(is_public=True, status__in=[EventStatus.OPEN, EventStatus.CLOSED])
    if viewer.organisation_ids:
        q |= Q(organiser_id__in=viewer.organisation_ids)
    if viewer.user_id is not None:
        q |= Q(registrations__user_id=viewer.user_id)
    return qs.filter(q).distinct()


def event_get(viewer: Viewer, pk: int) -> Event:
    event = visible_events(viewer).filter(pk=pk).first()
    if event is None:
        raise NotFound()
    return event


def is_organiser(viewer: Viewer, event: Event) -> bool:
    """The secretariat, or an administrator of the organising organisation."""
    if viewer.is_staff_role:
        return True
    return event.organiser_id is not None and viewer.administers(event.organiser_id)


def may_create_event(viewer: Viewer) -> bool:
    """Who may organise an event: the secretariat, or an administrator of an organisation."""
    return viewer.is_staff_role or bool(viewer.admin_organisation_ids)


def organiser_event_get(viewer: Viewer, pk: int) -> Event:
    """An event the viewer organises (404 for everyone else, who learn nothing of it)."""
    event = event_get(viewer, pk)
    if not is_organiser(viewer, event):
        raise NotFound()
    return event


def schedule_run_get(viewer: Viewer, event_id: int, run_id: int) -> ScheduleRun:
    """One scheduler run of an event the viewer organises (404 otherwise)."""
    run = ScheduleRun.objects.filter(pk=run_id, event=organiser_event_get(viewer, event_id)).first()
    if run is None:
        raise NotFound()
    return run


def meeting_request_in(event: Event, request_id: int) -> int:
    """``request_id`` if it is a meeting request of ``event`` (404 otherwise): the scope of a
    request addressed under an event; who may answer it is the service's rule."""
    if not MeetingRequest.objects.filter(pk=request_id, event=event).exists():
        raise NotFound()
    return request_id


def my_registration(viewer: Viewer, event: Event) -> Registration | None:
    if viewer.user_id is None:
        return None
    return (
        Registration.objects.filter(event=event, user_id=viewer.user_id)
        .select_related("organisation")
        .first()
    )


def my_registration_get(viewer: Viewer, event: Event) -> Registration:
    """The viewer's own registration at ``event`` (404 without one)."""
    reg = my_registration(viewer, event)
    if reg is None:
        raise NotFound()
    return reg


def confirmed(event: Event) -> QuerySet[Registration]:
    return Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).select_related("organisation", "user")


def requests_of(registration: Registration) -> QuerySet[MeetingRequest]:
    """Requests sent or received by a registration (the only ones its person sees)."""
    return MeetingRequest.objects.filter(
        Q(sender=registration) | Q(recipient=registration)
    ).select_related("sender__organisation", "recipient__organisation", "sender__user")


@dataclass
class Suggestion:
    registration: Registration
    score: float
    reasons: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (their listing, our listing)
    requested: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.score)


def suggestions(viewer: Viewer, registration: Registration, *, k: int = 20) -> list[Suggestion]:
    """Whom to meet and why: the matching engine's matches between this registration's needs
    and offers and those of the other confirmed participants (other organisations)."""
    from jieli.matching.selectors import demands_for_achievement, matches_for_demand

    others = list(confirmed(registration.event).exclude(organisation=registration.organisation))
    offer_owner: dict[int, list[Registration]] = defaultdict(list)
    need_owner: dict[int, list[Registration]] = defaultdict(list)
    for reg in others:
        for pk in reg.offers.values_list("pk", flat=True):
            offer_owner[pk].append(reg)
        for pk in reg.needs.values_list("pk", flat=True):
            need_owner[pk].append(reg)
    found: dict[int, Suggestion] = {}

    def add(reg: Registration, score: float, reasons: list[str], pair: tuple[str, str]) -> None:
        entry = found.setdefault(reg.pk, Suggestion(reg, 0.0))
        entry.score = max(entry.score, score)
        entry.pairs.append(pair)
        for reason in reasons:
            if reason not in entry.reasons:
                entry.reasons.append(reason)

    for need in registration.needs.all():
        for match in matches_for_demand(viewer, demand_id=need.pk, k=50):
            for reg in offer_owner.get(match.pk, []):
                add(reg, match.score, match.reasons, (str(match.obj), str(need)))
    for offer in registration.offers.all():
        for match in demands_for_achievement(viewer, achievement_id=offer.pk, k=50):
            for reg in need_owner.get(match.pk, []):
                add(reg, match.score, match.reasons, (str(match.obj), str(offer)))
    asked = set(
        MeetingRequest.objects.filter(sender=registration).values_list("recipient_id", flat=True)
    ) | set(
        MeetingRequest.objects.filter(recipient=registration).values_list("sender_id", flat=True)
    )
    for entry in found.values():
        entry.requested = entry.registration.pk in asked
    return sorted(found.values(), key=lambda s: -s.score)[:k]


def others_to_meet(registration: Registration) -> QuerySet[Registration]:
    """The confirmed participants of other organisations not yet asked either way."""
    asked = MeetingRequest.objects.filter(
        Q(sender=registration) | Q(recipient=registration)
    ).values_list("sender_id", "recipient_id")
    seen = {pk for pair in asked for pk in pair}
    return (
        confirmed(registration.event)
        .exclude(organisation=registration.organisation)
        .exclude(pk__in=seen)
        .order_by("organisation__name", "pk")
    )


def agenda(registration: Registration) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(Q(a=registration) | Q(b=registration))
        .exclude(starts_at=None)
        .select_related("a__organisation", "b__organisation", "a__user", "b__user", "session")
        .order_by("starts_at", "table")
    )


def table_plan(event: Event) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(event=event)
        .exclude(starts_at=None)
        .select_related("a__organisation", "b__organisation", "a__user", "b__user")
        .order_by("starts_at", "table")
    )


@dataclass
class Report:
    registrations: dict[str, int]
    requests: dict[str, int]
    meetings: dict[str, int]
    outcomes: list[tuple[str, int]]
    by_industry: list[tuple[str, int]]
    by_region: list[tuple[str, int]]


def event_report(event: Event) -> Report:
    from jieli.regions.selectors import industry_label, region_label

    regs = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    reqs = Counter(MeetingRequest.objects.filter(event=event).values_list("status", flat=True))
    meetings = list(
        Meeting.objects.filter(event=event).select_related("a__organisation", "b__organisation")
    )
    status_count = Counter(m.status for m in meetings)
    outcome: Counter[str] = Counter()
    industry: Counter[str] = Counter()
    region: Counter[str] = Counter()
    order = [Outcome.CONTRACT, Outcome.INTENTION, Outcome.FOLLOW_UP, Outcome.NO_INTEREST]
    for m in meetings:
        best = next((o for o in order if o in (m.outcome_a, m.outcome_b)), None)
        if best is None:
            continue
        outcome[best] += 1
        if best in (Outcome.INTENTION, Outcome.CONTRACT, Outcome.FOLLOW_UP):
            for reg in (m.a, m.b):
                if reg.organisation.region_id:
                    region[region_label(reg.organisation.region_id)] += 1
                for code in reg.offers.values_list("industry_id", flat=True)[:1]:
                    if code:
                        industry[industry_label(code)] += 1
    labels = dict(Outcome.choices)
    return Report(
        registrations={str(RegistrationStatus(k).label): v for k, v in regs.items()},
        requests={
            "requested": sum(reqs.values()),
            "accepted": reqs.get(RequestStatus.ACCEPTED, 0),
            "declined": reqs.get(RequestStatus.DECLINED, 0),
            "expired": reqs.get(RequestStatus.EXPIRED, 0),
        },
        meetings={
            "scheduled": sum(1 for m in meetings if m.starts_at is not None),
            "held": status_count.get(Meeting.Status.HELD, 0),
            "no_show": status_count.get(Meeting.Status.NO_SHOW, 0),
        },
        outcomes=[(str(labels[o]), outcome.get(o, 0)) for o in order],
        by_industry=industry.most_common(10),
        by_region=region.most_common(10),
    )
