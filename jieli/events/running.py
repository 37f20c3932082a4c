"""The jobs' bodies: the hourly expiry of pending requests, and the scheduler's run: the
event as a ``scheduling.Problem`` (announced meetings fixed), the solve with its progress
stored on the run, and the schedule written in one transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from jieli.core.history import change_record
from jieli.events import scheduling
from jieli.events.models import (
    Event,
    Meeting,
    MeetingRequest,
    Registration,
    RegistrationStatus,
    RequestStatus,
    ScheduleRun,
)


def build_problem(event: Event) -> tuple[scheduling.Problem, list[scheduling.Slot]]:
    """The event's meetings as a scheduling problem; announced meetings are fixed."""
    sessions = list(event.sessions.all())
    slots = scheduling.slot_grid(
        [(s.pk, s.starts_at, s.ends_at) for s in sessions],
        meeting_minutes=event.meeting_minutes,
        gap_minutes=event.break_minutes,
    )
    index_of = {s.start: s.index for s in slots}
    by_session: dict[int, list[int]] = defaultdict(list)
    for s in slots:
        by_session[s.session].append(s.index)
    availability: dict[int, frozenset[int]] = {}
    regs = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    for reg in regs.prefetch_related("sessions"):
        availability[reg.pk] = frozenset(
            i for session in reg.sessions.all() for i in by_session.get(session.pk, [])
        )
    meetings = []
    fixed: dict[int, tuple[int, int]] = {}
    for m in Meeting.objects.filter(event=event).exclude(status=Meeting.Status.NO_SHOW):
        meetings.append(
            scheduling.MeetingSpec(
                m.pk, m.a_id, m.b_id, max(1, round(m.weight * scheduling.WEIGHT_SCALE))
            )
        )
        if m.announced and m.starts_at in index_of and m.table:
            fixed[m.pk] = (index_of[m.starts_at], m.table)
    problem = scheduling.Problem(
        slots=slots,
        tables=event.tables,
        meetings=meetings,
        availability=availability,
        fixed=fixed,
        per_session_cap=event.max_per_session,
    )
    return problem, slots


def schedule_execute(run_id: int) -> ScheduleRun:
    """Solve and write the schedule in one transaction (the job's body)."""
    run = ScheduleRun.objects.select_related("event").get(pk=run_id)
    ScheduleRun.objects.filter(pk=run.pk).update(status=ScheduleRun.Status.RUNNING)
    problem, slots = build_problem(run.event)

    def progress(objective: int, bound: int, seconds: float) -> None:
        ScheduleRun.objects.filter(pk=run.pk).update(
            progress={"objective": objective, "bound": bound, "seconds": round(seconds, 1)}
        )

    try:
        baseline = scheduling.greedy(problem)
        result = (
            scheduling.solve(problem, time_limit=run.time_limit, progress=progress)
            if run.method == "solver"
            else baseline
        )
    except scheduling.ProblemError as exc:
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=ScheduleRun.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    if scheduling.violations(problem, result):  # never write a schedule that breaks a rule
        raise RuntimeError("scheduler returned an invalid schedule")
    by_index = {s.index: s for s in slots}
    with transaction.atomic():
        for meeting in Meeting.objects.select_for_update().filter(event=run.event):
            spot = result.placements.get(meeting.pk)
            if meeting.announced and meeting.pk in problem.fixed:
                continue
            if spot is None:
                meeting.session_id = meeting.starts_at = meeting.ends_at = meeting.table = None
                if meeting.status == Meeting.Status.SCHEDULED:
                    meeting.status = Meeting.Status.UNSCHEDULED
            else:
                slot = by_index[spot[0]]
                meeting.session_id = slot.session
                meeting.starts_at, meeting.ends_at = slot.start, slot.end
                meeting.table = spot[1]
                meeting.status = Meeting.Status.SCHEDULED
            meeting.save()
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=ScheduleRun.Status.DONE,
            placed=result.placed,
            unplaced=len(problem.meetings) - result.placed,
            objective=result.objective,
            bound=result.bound,
            greedy_placed=baseline.placed,
            greedy_objective=baseline.objective,
            seconds=round(result.seconds, 2),
            finished_at=timezone.now(),
        )
        change_record(
            target=run.event,
            actor_id=run.requested_by_id,
            action="schedule",
            changes={"placed": [None, result.placed]},
        )
    run.refresh_from_db()
    return run


def requests_expire(*, now: datetime | None = None) -> int:
    """Pending requests past their time stop blocking (the hourly job)."""
    now = now or timezone.now()
    done = 0
    for pk in MeetingRequest.objects.filter(
        status=RequestStatus.PENDING, expires_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            req = (
                MeetingRequest.objects.select_for_update()
                .filter(pk=pk, status=RequestStatus.PENDING)
                .first()
            )
            if req is None:
                continue
            req.status = RequestStatus.EXPIRED
            req.save(update_fields=["status", "updated_at"])
            change_record(
                target=req,
                actor_id=None,
                action="meeting_expire",
                changes={"status": [RequestStatus.PENDING, RequestStatus.EXPIRED]},
            )
            done += 1
    return done
