"""Writes: keeping the index fresh, opening duplicate cases, and deciding them."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.bulk import insert_many
from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.duplicates import detect, index
from jieli.duplicates.kinds import kind_spec, owner_of, record_data
from jieli.duplicates.models import CaseStatus, DuplicateCase, SameAsLink
from jieli.duplicates.selectors import duplicate_suspects_for

DECISIONS = {"merge": CaseStatus.MERGED, "link": CaseStatus.LINKED, "keep": CaseStatus.KEPT}
MAX_NOTE = 2000


# --- the index -----------------------------------------------------------------------------


def duplicate_index_add(kind: str, record: models.Model) -> None:
    """Tell the index about a created or changed record (call it on commit).

    Optional for correctness — the index also catches up from ``updated_at`` before each query —
    but it makes the record findable at once in this process.
    """
    index.index_add(kind_spec(kind), record)


# --- cases ---------------------------------------------------------------------------------


def _case_values(
    record_id: int,
    other_id: int,
    score: float,
    certainty: str,
    reason_codes: list[tuple[str, dict[str, Any]]] | None,
) -> tuple[tuple[int, int], dict[str, Any]]:
    """The checked pair (lower id first) and the case's values, for one case or many."""
    if record_id == other_id:
        raise InvalidInput(fields={"other_id": [_("A record cannot duplicate itself.")]})
    if certainty not in ("certain", "suspected"):
        raise InvalidInput(
            fields={
                "certainty": [_("Choose one of: {options}.").format(options="certain, suspected")]
            }
        )
    a, b = sorted((record_id, other_id))
    reasons = [{"code": c, "params": p} for c, p in reason_codes or []]
    values = {"score": max(0.0, min(1.0, float(score))), "certainty": certainty, "reasons": reasons}
    return (a, b), values


def duplicate_case_open(
    *,
    kind: str,
    record_id: int,
    other_id: int,
    score: float,
    certainty: str,
    reason_codes: list[tuple[str, dict[str, Any]]] | None = None,
) -> DuplicateCase | None:
    """Open (or refresh) the pending case for a pair; None when the pair was already decided."""
    spec = kind_spec(kind)
    (a, b), values = _case_values(record_id, other_id, score, certainty, reason_codes)
    records = spec.model._default_manager.in_bulk([a, b])
    if len(records) != 2:
        raise NotFound()
    with transaction.atomic():
        case = (
            DuplicateCase.objects.select_for_update()
            .filter(kind=spec.kind, record_a_id=a, record_b_id=b)
            .first()
        )
        if case is not None:
            if not case.is_open:
                return None
            for name, value in values.items():
                setattr(case, name, value)
            case.owner_a_id = owner_of(spec, records[a])
            case.owner_b_id = owner_of(spec, records[b])
            case.save()
            return case
        try:
            with transaction.atomic():
                return DuplicateCase.objects.create(
                    kind=spec.kind,
                    record_a_id=a,
                    record_b_id=b,
                    owner_a_id=owner_of(spec, records[a]),
                    owner_b_id=owner_of(spec, records[b]),
                    **values,
                )
        except IntegrityError:  # opened concurrently by another process
            return DuplicateCase.objects.filter(
                kind=spec.kind, record_a_id=a, record_b_id=b, status=CaseStatus.PENDING
            ).first()


def duplicate_cases_open_many(
    *,
    kind: str,
    pairs: list[tuple[int, int, float, str, list[tuple[str, dict[str, Any]]]]],
) -> int:
    """``duplicate_case_open`` for many pairs at once (imports): ``pairs`` holds
    ``(record_id, other_id, score, certainty, reason_codes)``. The same rules — a decided pair
    stays decided, an open one is refreshed, a pair whose record went away is skipped, a later
    entry for the same pair wins — with a few queries per call instead of five per pair.
    Returns how many cases were opened or refreshed."""
    spec = kind_spec(kind)
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for record_id, other_id, score, certainty, reason_codes in pairs:
        pair, values = _case_values(record_id, other_id, score, certainty, reason_codes)
        wanted[pair] = values
    if not wanted:
        return 0
    ids = sorted({pk for pair in wanted for pk in pair})
    owners: dict[int, int | None] = {}
    for start in range(0, len(ids), 900):
        chunk = spec.model._default_manager.filter(pk__in=ids[start : start + 900])
        if spec.is_listing:
            owners.update(chunk.values_list("pk", "owner_id"))
        else:
            owners.update((pk, pk) for pk in chunk.values_list("pk", flat=True))
    wanted = {pair: v for pair, v in wanted.items() if pair[0] in owners and pair[1] in owners}
    now = timezone.now()
    with transaction.atomic():
        existing: dict[tuple[int, int], DuplicateCase] = {}
        pairs_sorted = sorted(wanted)
        for start in range(0, len(pairs_sorted), 400):
            some = pairs_sorted[start : start + 400]
            for case in DuplicateCase.objects.select_for_update().filter(
                kind=spec.kind,
                record_a_id__in={first for first, _second in some},
                record_b_id__in={second for _first, second in some},
            ):
                existing[(case.record_a_id, case.record_b_id)] = case
        changed: list[DuplicateCase] = []
        new: list[DuplicateCase] = []
        for (a, b), values in wanted.items():
            found = existing.get((a, b))
            if found is None:
                case = DuplicateCase(kind=spec.kind, record_a_id=a, record_b_id=b)
                case.created_at = now
                new.append(case)
            elif not found.is_open:
                continue
            else:
                case = found
                changed.append(case)
            for name, value in values.items():
                setattr(case, name, value)
            case.owner_a_id, case.owner_b_id = owners[a], owners[b]
            case.updated_at = now
        fields = ["score", "certainty", "reasons", "owner_a_id", "owner_b_id", "updated_at"]
        DuplicateCase.objects.bulk_update(changed, fields, batch_size=500)
        # A pair opened concurrently by another process keeps that process's case.
        insert_many(DuplicateCase, new, ignore_conflicts=True)
    return len(changed) + len(new)


def duplicate_cases_open_for(*, kind: str, record: models.Model) -> list[DuplicateCase]:
    """Compare a saved record with all others and open a case per suspect (call on commit).

    This is what puts a possible duplicate in front of the secretariat, including ones the
    creating user could not see.
    """
    spec = kind_spec(kind)
    index.index_add(spec, record)
    suspects = duplicate_suspects_for(
        kind=spec.kind, data=record_data(spec, record), exclude_id=record.pk
    )
    cases = []
    for suspect in suspects:
        assert suspect.target_id is not None
        case = duplicate_case_open(
            kind=spec.kind,
            record_id=record.pk,
            other_id=suspect.target_id,
            score=suspect.score,
            certainty=suspect.certainty,
            reason_codes=suspect.reason_codes,
        )
        if case is not None:
            cases.append(case)
    return cases


def _may_decide(viewer: Viewer, owner_a: int | None, owner_b: int | None) -> bool:
    return viewer.is_staff_role or (viewer.administers(owner_a) and viewer.administers(owner_b))


def _merge(viewer: Viewer, case: DuplicateCase, keep: Any, other: Any) -> dict[str, Any]:
    from jieli.core.listing import listing_transition

    spec = kind_spec(case.kind)
    if not spec.is_listing:
        raise InvalidInput(
            fields={
                "decision": [
                    _("Organisations cannot be merged here; link them or keep them apart.")
                ]
            }
        )
    if keep.status == "archived":
        raise Conflict(_("The record to keep is archived."))
    moved: dict[str, Any] = {"merged_from": [None, other.pk]}
    if spec.kind == "achievement":
        have = {
            detect.normalise_patent_number(ip.number) for ip in keep.ip_records.all() if ip.number
        }
        moved_ips = []
        for ip in other.ip_records.all():
            if ip.number and detect.normalise_patent_number(ip.number) in have:
                continue  # the kept record already lists this patent
            ip.achievement = keep
            ip.save(update_fields=["achievement", "updated_at"])
            moved_ips.append(ip.number or ip.ip_type)
        if moved_ips:
            moved["ip_records"] = [[], moved_ips]
    keywords = list(keep.keywords or [])
    added = [k for k in other.keywords or [] if k not in keywords]
    if added:
        keep.keywords = (keywords + added)[:20]
        if hasattr(keep, "keywords_text"):  # demands keep a searchable copy
            keep.keywords_text = " ".join(keep.keywords)[:1000]
        moved["keywords"] = [keywords, keep.keywords]
    keep.save()
    reason = _("Merged #{other} into #{keep}").format(other=other.pk, keep=keep.pk)
    change_record(
        target=keep, actor_id=viewer.user_id, action="merge", changes=moved, reason=reason
    )
    change_record(
        target=other,
        actor_id=viewer.user_id,
        action="merged",
        changes={"merged_into": [None, keep.pk]},
        reason=reason,
    )
    listing_transition(
        model=spec.model,  # type: ignore[arg-type]
        viewer=viewer,
        pk=other.pk,
        action="archive",
        reason=_("merged into #{n}").format(n=keep.pk),
    )
    return moved


def _link(viewer: Viewer, case: DuplicateCase) -> uuid.UUID:
    links = list(
        SameAsLink.objects.select_for_update().filter(
            kind=case.kind, record_id__in=[case.record_a_id, case.record_b_id]
        )
    )
    groups = {link.group for link in links}
    group = min(groups) if groups else uuid.uuid4()
    if len(groups) > 1:  # both already grouped: join the groups
        SameAsLink.objects.filter(kind=case.kind, group__in=groups).update(group=group)
    linked = {link.record_id for link in links}
    for record_id in (case.record_a_id, case.record_b_id):
        if record_id not in linked:
            SameAsLink.objects.create(
                kind=case.kind,
                record_id=record_id,
                group=group,
                case=case,
                created_by_id=viewer.user_id,
            )
    return group


def duplicate_decide(
    *,
    viewer: Viewer,
    case_id: int,
    decision: str,
    keep_id: int | None = None,
    note: str = "",
) -> DuplicateCase:
    """Close a pending case: ``merge`` (into ``keep_id``, default the older record), ``link``
    (same achievement, separate listings) or ``keep`` (distinct; never suggested again).

    The secretariat decides any case, an organisation's admin those between its own records.
    """
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    if decision not in DECISIONS:
        raise InvalidInput(
            fields={
                "decision": [_("Choose one of: {options}.").format(options=", ".join(DECISIONS))]
            }
        )
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise InvalidInput(fields={"note": [_("At most {n} characters.").format(n=MAX_NOTE)]})
    with transaction.atomic():
        case = DuplicateCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not _may_decide(viewer, case.owner_a_id, case.owner_b_id):
            raise NotFound()
        spec = kind_spec(case.kind)
        records = spec.model._default_manager.select_for_update().in_bulk(
            [case.record_a_id, case.record_b_id]
        )
        ra, rb = records.get(case.record_a_id), records.get(case.record_b_id)
        if ra is None or rb is None:
            raise Conflict(_("One of the two records no longer exists."))
        # The owners may have changed since the case was opened: check the current ones.
        if not _may_decide(viewer, owner_of(spec, ra), owner_of(spec, rb)):
            raise PermissionDenied(
                _("Only the secretariat decides cases involving another organisation's records.")
            )
        if not case.is_open:
            raise Conflict(
                _("This case was already decided ({status}).").format(
                    status=case.get_status_display()
                )
            )
        if keep_id is not None and keep_id not in (case.record_a_id, case.record_b_id):
            raise InvalidInput(fields={"keep_id": [_("Choose one of the two records.")]})
        changes: dict[str, Any] = {"duplicate_case": [None, case.pk]}
        if decision == "merge":
            keep, other = (rb, ra) if keep_id == case.record_b_id else (ra, rb)
            _merge(viewer, case, keep, other)
            case.kept_id = keep.pk
        elif decision == "link":
            group = _link(viewer, case)
            for record, partner in ((ra, rb), (rb, ra)):
                change_record(
                    target=record,
                    actor_id=viewer.user_id,
                    action="same_as_link",
                    changes={"same_as": [None, partner.pk], "group": [None, str(group)]},
                    reason=note,
                )
        else:
            for record, partner in ((ra, rb), (rb, ra)):
                change_record(
                    target=record,
                    actor_id=viewer.user_id,
                    action="duplicate_dismissed",
                    changes={"distinct_from": [None, partner.pk], **changes},
                    reason=note,
                )
        case.status = DECISIONS[decision]
        case.decided_by_id = viewer.user_id
        case.decided_at = timezone.now()
        case.note = note.strip()
        case.save()
        if decision == "merge":
            archived_id = case.record_b_id if case.kept_id == case.record_a_id else case.record_a_id
            transaction.on_commit(lambda: index.index_remove(spec, archived_id))
        return case


CREATOR_CHOICES = ("keep", "link", "merge")


def duplicate_creator_choice(
    *, viewer: Viewer, kind: str, record: models.Model, choice: str
) -> list[DuplicateCase]:
    """Apply what the creator of ``record`` chose about the suspects shown to them.

    Cases are opened for every suspect (the secretariat sees them all). Where the creator may
    decide a case (both records are their organisation's), their choice closes it at once —
    ``merge`` folds the new record into the existing one; elsewhere the case stays pending for
    the secretariat with the creator's choice in its note.
    """
    if choice not in CREATOR_CHOICES:
        raise InvalidInput(
            fields={
                "duplicate_choice": [
                    _("Choose one of: {options}.").format(options=", ".join(CREATOR_CHOICES))
                ]
            }
        )
    cases = duplicate_cases_open_for(kind=kind, record=record)
    labels = {
        "keep": _("different records, keep both"),
        "link": _("the same achievement, link them"),
        "merge": _("the same achievement, merge them"),
    }
    note = _("The creator of #{n} chose: {choice}").format(n=record.pk, choice=labels[choice])
    for case in cases:
        other = case.record_b_id if case.record_a_id == record.pk else case.record_a_id
        try:
            duplicate_decide(
                viewer=viewer,
                case_id=case.pk,
                decision=choice,
                keep_id=other if choice == "merge" else None,
                note=note,
            )
        except (PermissionDenied, NotFound, Conflict):
            DuplicateCase.objects.filter(pk=case.pk, status=CaseStatus.PENDING).update(note=note)
    return cases


def duplicate_review_queue_for(*, kind: str, record_id: int) -> None:
    """Open cases for a record created elsewhere (API, admin); run on commit by a job."""
    spec = kind_spec(kind)
    record = spec.model._default_manager.filter(pk=record_id).first()
    if record is not None:
        duplicate_cases_open_for(kind=kind, record=record)
