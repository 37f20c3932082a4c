"""History as the reader sees it: actions and changed-field names in the active language."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

# Every action a service writes to history, in the reader's language. An action missing here
# is shown as written (a test checks that every action the code writes is listed).
ACTION_LABELS: dict[str, Any] = {
    "create": _("created"),
    "update": _("edited"),
    "import": _("imported"),
    "submit": _("submitted for review"),
    "publish": _("published"),
    "return": _("returned for changes"),
    "reconfirm": _("re-confirmed"),
    "remind_reconfirm": _("re-confirmation reminder sent"),
    "archive": _("archived"),
    "apply": _("applied for membership"),
    "admit": _("admitted"),
    "suspend": _("suspended"),
    "remove": _("membership ended"),
    "member_add": _("member added"),
    "member_remove": _("member removed"),
    "deactivate": _("deactivated"),
    "affiliation_add": _("affiliation added"),
    "affiliation_remove": _("affiliation removed"),
    "merge": _("merged a duplicate into this record"),
    "merged": _("merged into another record"),
    "same_as_link": _("linked as the same as another record"),
    "duplicate_dismissed": _("marked as not a duplicate"),
    "delete": _("deleted"),
    "item_add": _("listing saved"),
    "item_remove": _("listing removed"),
    "enquire": _("enquiry sent"),
    "answer": _("answered"),
    "discuss": _("discussion started"),
    "sign_intention": _("intention signed"),
    "sign_contract": _("contract signed"),
    "decline": _("declined"),
    "close": _("closed"),
    "block_sender": _("sender blocked"),
    "report": _("reported to the secretariat"),
    "broker_assign": _("broker assigned"),
    "broker_reactivate": _("broker reactivated"),
    "remind_answer": _("owner reminded to answer"),
    "dropped_baton": _("escalated as a dropped baton"),
    "introduction_consent": _("consented to the introduction"),
    "introduction_decline": _("declined the introduction"),
    "unsubscribe": _("unsubscribed by an e-mail link"),
    "evaluation_request": _("evaluation requested"),
    "consent": _("owner consented"),
    "start_scoring": _("scoring started"),
    "close_scoring": _("scoring closed"),
    "issue": _("report issued"),
    "reevaluate": _("re-evaluation started"),
    "cancel": _("cancelled"),
    "accredit": _("evaluation agency accredited"),
    "accreditation_withdraw": _("accreditation withdrawn"),
    "agency_assign": _("evaluation agency assigned"),
    "index_version": _("new index system version"),
    "seat_invite": _("expert invited to the panel"),
    "seat_accept": _("panel invitation accepted"),
    "seat_decline": _("panel invitation declined"),
    "scores_submit": _("scores submitted"),
    "scores_reconsidered": _("scores reconsidered"),
    "reconsider_ask": _("outliers asked to reconsider"),
    "valuation_save": _("valuation saved"),
    "survey_save": _("market survey saved"),
    "remind_deadline": _("deadline reminder sent"),
    "event_open": _("event opened"),
    "event_finish": _("event finished"),
    "event_cancel": _("event cancelled"),
    "register": _("registered"),
    "registration_confirm": _("registration confirmed"),
    "registration_reject": _("registration refused"),
    "registration_import": _("registration imported by the organiser"),
    "busy_import": _("busy times imported from a calendar"),
    "checkin": _("checked in"),
    "meeting_request": _("meeting requested"),
    "meeting_accept": _("meeting accepted"),
    "meeting_decline": _("meeting declined"),
    "meeting_expire": _("meeting request expired"),
    "schedule_start": _("schedule requested"),
    "schedule": _("schedule computed"),
    "announce": _("schedule announced"),
    "meeting_free": _("meeting freed for re-scheduling"),
    "meeting_held": _("meeting held"),
    "meeting_no_show": _("marked as a no-show"),
    "walk_in": _("walk-in meeting added"),
    "outcome": _("outcome recorded"),
    "open_project": _("project opened"),
    "project_open": _("turnkey project opened"),
    "stage_plan": _("stage plan changed"),
    "stage_start": _("stage started"),
    "deliverable_add": _("deliverables added"),
    "mark_ready": _("handed over"),
    "accept": _("hand-off accepted"),
    "refuse": _("hand-off refused"),
    "skip": _("stage skipped"),
    "reinstate": _("stage reinstated"),
    "delivery_accept": _("delivery accepted"),
    "funding_add": _("funding source added"),
    "contract_add": _("technology contract recorded"),
    "milestone_add": _("contract milestone added"),
    "payment_add": _("payment received recorded"),
    "contract_edit": _("technology contract corrected"),
    "contract_void": _("technology contract voided"),
    "milestone_done": _("contract milestone done"),
    "outcome_record": _("outcomes recorded"),
    "remind_baton": _("owners reminded of a dropped baton"),
    "ask_outcomes": _("one-year outcomes asked for"),
    "facilities_link": _("platform booking and zone linked"),
    # facilities: platforms, zones and clusters; platform bookings
    "unpublish": _("unpublished (back to draft)"),
    "hide": _("hidden by the secretariat"),
    "booking_request": _("booking requested"),
    "booking_accept": _("booking accepted"),
    "booking_decline": _("booking declined"),
    "booking_propose": _("another window proposed"),
    "booking_accept_proposal": _("proposed window accepted"),
    "booking_decline_proposal": _("proposed window declined"),
    "booking_cancel": _("booking cancelled"),
    "booking_withdraw": _("accepted booking cancelled by the operator"),
    "booking_expire": _("booking expired unanswered"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A changed field's name as the reader sees it: the field's verbose name."""
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    verbose = getattr(field, "verbose_name", None)
    related = field.related_model
    if verbose is None and isinstance(related, type) and issubclass(related, models.Model):
        verbose = related._meta.verbose_name_plural  # a reverse relation, e.g. ip_records
    return str(verbose) if verbose is not None else name
