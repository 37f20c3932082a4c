"""Writes for turnkey projects: plan the stages, hand the baton over, upload deliverables,
link a booking and a zone, close. Opening a project is ``opening_services``; contracts,
funding and outcomes ``contract_services``; both use the checks shared here.

Every write is one transaction that locks the project row first, so two people acting on the
same project are serialised (the second sees the first's result: a 409 for a hand-off already
answered); every change is written to the history with its before/after values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.history import change_record
from jieli.core.uploads import check_documents
from jieli.core.viewer import Viewer
from jieli.facilities.selectors import visible_bookings, visible_zones
from jieli.organisations.models import Membership, MembershipStatus, Organisation
from jieli.pipeline import notify
from jieli.pipeline.models import (
    Deliverable,
    Project,
    ProjectStage,
    ProjectStatus,
    StageStatus,
)
from jieli.pipeline.selectors import (
    may_edit_stage,
    may_run,
    party_ids,
    project_get,
    receiver_of,
    sides_of,
    stages_of,
)
from jieli.pipeline.stages import FINISHED, MOVES, NEVER_SKIPPED

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_REASON = 2000


def _text(value: Any, field: str, *, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(fields={field: [_("This field is required.")]})
    if len(text) > limit:
        raise InvalidInput(fields={field: [_("At most {n} characters.").format(n=limit)]})
    return text


def _require_user(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise NotAuthenticated()
    return viewer.user_id


def handoff_days(key: str) -> int:
    """The service level of a stage's hand-off: ``JIELI_PIPELINE_HANDOFF_DAYS`` per stage."""
    table = settings.JIELI_PIPELINE_HANDOFF_DAYS
    return int(table.get(key, table.get("default", 5)))


# --- shared by the opening and the contract services -------------------------------------------


def _organisation(pk: int | None, field: str, *, types: tuple[str, ...] = ()) -> Organisation:
    org = Organisation.objects.filter(pk=pk).first() if pk else None
    if org is None or org.membership_status != MembershipStatus.MEMBER:
        raise InvalidInput(fields={field: [_("Choose an admitted member organisation.")]})
    if types and org.org_type not in types:
        raise InvalidInput(fields={field: [_("Choose an organisation of the right type.")]})
    return org


def _member_of(org_id: int | None, user_id: int | None) -> bool:
    if org_id is None or user_id is None:
        return False
    return Membership.objects.filter(organisation_id=org_id, user_id=user_id).exists()


# --- planning ----------------------------------------------------------------------------------


def _locked(viewer: Viewer, pk: int) -> Project:
    """The project locked for update; 404 for someone who may not see it."""
    project_get(viewer, pk)
    project = Project.objects.select_for_update().filter(pk=pk).first()
    if project is None:
        raise NotFound()
    return project


def _stage(project: Project, key: str) -> ProjectStage:
    stage = project.stages.filter(key=key).first()
    if stage is None:
        raise NotFound()
    stage.project = project
    return stage


def _recompute_next(project: Project, now: Any) -> None:
    """Mark the one stage that takes the baton next (the first planned after the current)."""
    stages = stages_of(project)
    current = [s for s in stages if s.status in (StageStatus.ACTIVE, StageStatus.READY)]
    following = None
    if current:
        following = receiver_of(stages, current[0])
    for s in stages:
        want = following is not None and s.pk == following.pk and s.status == StageStatus.PLANNED
        if s.is_next != want:
            s.is_next = want
            s.next_since = now if want else None
            s.save(update_fields=["is_next", "next_since", "updated_at"])


def stage_update(
    *,
    viewer: Viewer,
    project_id: int,
    key: str,
    owner_organisation_id: int | None = None,
    owner_user_id: int | None = None,
    due_date: date | None = None,
    acceptance_criteria: str | None = None,
    handoff_days: int | None = None,
) -> ProjectStage:
    """The runner (agency) or the secretariat plans a stage that is not finished: its owner
    organisation and person, due date, acceptance criteria, hand-off service level. The stage
    owner's people may name its owner person. A stage always keeps an owner organisation."""
    uid = _require_user(viewer)
    with transaction.atomic():
        project = _locked(viewer, project_id)
        stage = _stage(project, key)
        running = may_run(viewer, project)
        if not may_edit_stage(viewer, project, stage):
            raise PermissionDenied(_("Only the service agency running it plans this project."))
        if not running and (
            owner_organisation_id not in (None, stage.owner_organisation_id)  # type: ignore[attr-defined]
            or due_date is not None
            or acceptance_criteria is not None
            or handoff_days is not None
        ):
            raise PermissionDenied(_("Only the service agency running it plans this project."))
        if project.status != ProjectStatus.OPEN or stage.status in FINISHED:
            raise Conflict(_("This stage is finished; its plan can no longer change."))
        before = {
            "owner_organisation": str(stage.owner_organisation_id),  # type: ignore[attr-defined]
            "owner_user": str(stage.owner_user_id) if stage.owner_user_id else None,  # type: ignore[attr-defined]
            "due_date": str(stage.due_date) if stage.due_date else None,
            "acceptance_criteria": stage.acceptance_criteria,
            "handoff_days": stage.handoff_days,
        }
        if owner_organisation_id is not None:
            stage.owner_organisation = _organisation(owner_organisation_id, "owner_organisation")
            if owner_user_id is None and not _member_of(owner_organisation_id, stage.owner_user_id):  # type: ignore[attr-defined]
                stage.owner_user = None
        if owner_user_id is not None:
            if not _member_of(stage.owner_organisation_id, owner_user_id):  # type: ignore[attr-defined]
                raise InvalidInput(
                    fields={"owner_user": [_("Choose a person of the owner organisation.")]}
                )
            stage.owner_user_id = owner_user_id  # type: ignore[attr-defined]
        if due_date is not None:
            stage.due_date = due_date
        if acceptance_criteria is not None:
            stage.acceptance_criteria = _text(
                acceptance_criteria, "acceptance_criteria", limit=3000, required=False
            )
        if handoff_days is not None:
            if not 1 <= handoff_days <= 90:
                raise InvalidInput(
                    fields={"handoff_days": [_("Must be between {a} and {b}.").format(a=1, b=90)]}
                )
            stage.handoff_days = handoff_days
        stage.save()
        after = {
            "owner_organisation": str(stage.owner_organisation_id),  # type: ignore[attr-defined]
            "owner_user": str(stage.owner_user_id) if stage.owner_user_id else None,  # type: ignore[attr-defined]
            "due_date": str(stage.due_date) if stage.due_date else None,
            "acceptance_criteria": stage.acceptance_criteria,
            "handoff_days": stage.handoff_days,
        }
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            change_record(target=stage, actor_id=uid, action="stage_plan", changes=changes)
    return stage


# --- deliverables and hand-offs ----------------------------------------------------------------


def _save_files(
    stage: ProjectStage, checked: list[tuple[str, UploadedFile]], uid: int
) -> list[str]:
    """Store the checked files; if storing one fails, those already written are removed (the
    transaction rolls the rows back)."""
    saved: list[Deliverable] = []
    try:
        for name, upload in checked:
            item = Deliverable(stage=stage, name=name, size=upload.size or 0, uploaded_by_id=uid)
            item.file.save(name, upload, save=False)
            saved.append(item)
            item.save()
    except Exception:
        for item in saved:
            item.file.delete(save=False)
        raise
    return [d.name for d in saved]


def stage_upload(
    *, viewer: Viewer, project_id: int, key: str, files: Sequence[UploadedFile]
) -> ProjectStage:
    """Add deliverables to a stage in progress (its owner side, the runner, the secretariat);
    at most five files per upload, each of an accepted type and size
    (``core.uploads.check_documents``)."""
    uid = _require_user(viewer)
    if not files:
        raise InvalidInput(fields={"files": [_("Choose at least one file.")]})
    with transaction.atomic():
        project = _locked(viewer, project_id)
        stage = _stage(project, key)
        sides = sides_of(viewer, project, stage, stages_of(project))
        if not sides & {"giver", "runner", "secretariat"}:
            raise PermissionDenied(_("Only the stage's owner adds its deliverables."))
        if project.status != ProjectStatus.OPEN or stage.status != StageStatus.ACTIVE:
            raise Conflict(_("Deliverables are added while the stage is in progress."))
        checked = check_documents(list(files))
        names = _save_files(stage, checked, uid)
        change_record(
            target=stage,
            actor_id=uid,
            action="deliverable_add",
            changes={"deliverables": [None, names]},
        )
    return stage


def stage_move(
    *,
    viewer: Viewer,
    project_id: int,
    key: str,
    action: str,
    reason: str = "",
    files: Sequence[UploadedFile] = (),
) -> ProjectStage:
    """One hand-off move (``stages.MOVES``) under the project's row lock, with history."""
    uid = _require_user(viewer)
    if action not in MOVES:
        raise InvalidInput(
            fields={"action": [_("Choose one of: {options}.").format(options=", ".join(MOVES))]}
        )
    reason = _text(reason, "reason", limit=MAX_REASON, required=False)
    move = MOVES[action]
    now = timezone.now()
    with transaction.atomic():
        project = _locked(viewer, project_id)
        stage = _stage(project, key)
        stages = stages_of(project)
        sides = sides_of(viewer, project, stage, stages)
        if not move.who & sides:
            raise PermissionDenied(_("You may not make this move on this stage."))
        if project.status != ProjectStatus.OPEN:
            raise Conflict(_("This project is closed."))
        if stage.status not in move.sources:
            raise Conflict(
                _("Cannot {action} a stage whose status is “{status}”.").format(
                    action=move.label, status=stage.get_status_display()
                )
            )
        if move.needs_reason and not reason:
            raise InvalidInput(fields={"reason": [_("Please give a reason.")]})
        if action == "skip" and key in NEVER_SKIPPED:
            raise Conflict(_("Delivery and acceptance cannot be skipped."))
        if action == "mark_ready":
            if files:
                _save_files(stage, check_documents(list(files)), uid)
            if not stage.deliverables.exists():
                raise InvalidInput(
                    fields={"files": [_("Hand over with at least one deliverable.")]}
                )
        before = stage.status
        stage.status = move.target
        changes: dict[str, list[Any]] = {"status": [before, move.target]}
        receiver = receiver_of(stages, stage)
        if action == "mark_ready":
            stage.ready_at = now
            stage.answer_due_at = now + timedelta(days=stage.handoff_days)
            stage.refuse_reason = ""
        elif action == "refuse":
            stage.refuse_reason = reason
            stage.answer_due_at = None
            changes["refuse_reason"] = ["", reason]
        elif action == "accept":
            stage.done_at = now
            stage.answer_due_at = None
        elif action == "skip":
            stage.skip_reason = reason
            changes["skip_reason"] = ["", reason]
        elif action == "reinstate":
            stage.skip_reason = ""
        stage.save()
        change_record(target=stage, actor_id=uid, action=action, changes=changes, reason=reason)
        if action == "accept":
            if receiver is not None:
                receiver.status = StageStatus.ACTIVE
                receiver.started_at = now
                receiver.save()
                change_record(
                    target=receiver,
                    actor_id=uid,
                    action="stage_start",
                    changes={"status": [StageStatus.PLANNED, StageStatus.ACTIVE]},
                )
            else:
                project.accepted_at = now
                project.save(update_fields=["accepted_at", "updated_at"])
                change_record(
                    target=project,
                    actor_id=uid,
                    action="delivery_accept",
                    changes={"accepted_at": [None, now.isoformat()]},
                )
        _recompute_next(project, now)
        if action == "mark_ready":
            receivers = (
                notify.stage_owners(receiver)
                if receiver is not None
                else notify.organisation_people(project.enterprise_id)  # type: ignore[attr-defined]
            )
            notify.handed_over(stage, receivers, uid)
        elif action in ("accept", "refuse"):
            notify.decided(stage, action, reason, uid)
    return stage


def project_close(*, viewer: Viewer, pk: int) -> Project:
    """The runner or the secretariat closes a project whose stages are all done or skipped."""
    uid = _require_user(viewer)
    with transaction.atomic():
        project = _locked(viewer, pk)
        if not may_run(viewer, project):
            raise PermissionDenied(_("Only the service agency running it closes this project."))
        if project.status != ProjectStatus.OPEN:
            raise Conflict(_("This project is already closed."))
        open_stages = project.stages.exclude(status__in=FINISHED)
        if open_stages.exists():
            names = ", ".join(str(s.get_key_display()) for s in open_stages.order_by("position"))
            raise Conflict(
                _("A project with open stages cannot be closed (open: {names}).").format(
                    names=names
                )
            )
        project.status = ProjectStatus.CLOSED
        project.closed_at = timezone.now()
        project.save()
        change_record(
            target=project,
            actor_id=uid,
            action="close",
            changes={"status": [ProjectStatus.OPEN, ProjectStatus.CLOSED]},
        )
    return project


def project_link_facilities(
    *, viewer: Viewer, pk: int, booking_id: int | None, zone_id: int | None
) -> Project:
    """The runner or the secretariat links the project to a pilot-test platform booking and an
    undertaking zone (None unlinks); each must be one the viewer may see, and the booking must
    have been requested by one of the project's parties (``selectors.party_ids``)."""
    uid = _require_user(viewer)
    with transaction.atomic():
        project = _locked(viewer, pk)
        if not may_run(viewer, project):
            raise PermissionDenied(_("Only the service agency running it plans this project."))
        if booking_id is not None:
            booking = visible_bookings(viewer).filter(pk=booking_id).first()
            if booking is None:
                raise InvalidInput(fields={"booking": [_("Choose a booking you may see.")]})
            if booking.requester_organisation_id not in party_ids(project):  # type: ignore[attr-defined]
                raise InvalidInput(
                    fields={
                        "booking": [
                            _("Choose a booking requested by one of the project's parties.")
                        ]
                    }
                )
        if zone_id is not None and not visible_zones(viewer).filter(pk=zone_id).exists():
            raise InvalidInput(fields={"zone": [_("Choose an undertaking zone.")]})
        before = [project.booking_id, project.zone_id]  # type: ignore[attr-defined]
        project.booking_id = booking_id  # type: ignore[attr-defined]
        project.zone_id = zone_id  # type: ignore[attr-defined]
        project.save()
        changes = {
            name: [old, new]
            for name, old, new in (
                ("booking", before[0], booking_id),
                ("zone", before[1], zone_id),
            )
            if old != new
        }
        if changes:
            change_record(target=project, actor_id=uid, action="facilities_link", changes=changes)
    return project
