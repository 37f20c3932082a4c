"""Pages: the platform, zone and cluster directories and detail pages, their editors, a
booking request, my bookings, and a booking with its moves. Thin: parse, call one service or
selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jieli.core.errors import InvalidInput, NotFound, PermissionDenied, ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.history import history_for
from jieli.core.http import JieliRequest, message_service_error
from jieli.core.pagination import page_of
from jieli.facilities import booking_services, selectors, services
from jieli.facilities.booking_stages import MOVES
from jieli.facilities.forms import (
    BookingForm,
    ClusterForm,
    FilterForm,
    MoveForm,
    PlatformForm,
    StatusForm,
    ZoneForm,
)
from jieli.facilities.models import BookingStatus
from jieli.organisations.selectors import owner_choices

DONE = {
    "accept": gettext_lazy("The booking was accepted."),
    "decline": gettext_lazy("The booking was declined."),
    "propose": gettext_lazy("Your proposal was sent to the requester."),
    "accept_proposal": gettext_lazy("You accepted the proposed window; the booking is confirmed."),
    "decline_proposal": gettext_lazy("You declined the proposed window."),
    "cancel": gettext_lazy("The booking was cancelled."),
    "withdraw": gettext_lazy("The accepted booking was cancelled; the requester has been told."),
}
STATUS_DONE = {
    "publish": gettext_lazy("Published."),
    "unpublish": gettext_lazy("Moved back to draft."),
    "hide": gettext_lazy("Hidden."),
}
# kind → (directory selector, template and list url name, page title)
DIRECTORIES: dict[str, tuple[Any, str, Any]] = {
    "platform": (selectors.platform_directory, "platforms", gettext_lazy("Pilot-test platforms")),
    "zone": (selectors.zone_directory, "zones", gettext_lazy("Undertaking zones")),
    "cluster": (selectors.cluster_directory, "clusters", gettext_lazy("Industrial clusters")),
}


def _directory(request: JieliRequest, kind: str) -> HttpResponse:
    select, stem, title = DIRECTORIES[kind]
    form = FilterForm(request.GET or None)
    status = 200
    qs: Any = []
    filters = selectors.Filters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.Filters(q=d["q"], region=d["region"], industry=d["industry"])
    elif form.is_bound:
        status = 400
    if status == 200:
        try:
            qs = select(request.viewer, filters).prefetch_related("industries")
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
            qs = []
    page = page_of(request, qs)
    return render(
        request,
        f"facilities/{stem}.html",
        {
            "form": form,
            "page": page,
            "title": title,
            "may_add": _may_add(request, kind),
        },
        status=status,
    )


def _may_add(request: JieliRequest, kind: str) -> bool:
    if kind == "platform":
        return selectors.may_add_platform(request.viewer)
    return selectors.may_manage_zones(request.viewer)


def platform_list(request: JieliRequest) -> HttpResponse:
    return _directory(request, "platform")


def zone_list(request: JieliRequest) -> HttpResponse:
    return _directory(request, "zone")


def cluster_list(request: JieliRequest) -> HttpResponse:
    return _directory(request, "cluster")


def platform_detail(
    request: JieliRequest, pk: int, *, form: BookingForm | None = None, status: int = 200
) -> HttpResponse:
    viewer = request.viewer
    platform = selectors.platform_get(viewer, pk)
    today = timezone.localdate()
    organisations = [(i, n) for i, n in owner_choices(viewer) if viewer.belongs_to(i)]
    manages = selectors.may_manage_platform(viewer, platform)
    return render(
        request,
        "facilities/platform_detail.html",
        {
            "platform": platform,
            "windows": selectors.upcoming_windows(platform, today=today),
            "manages": manages,
            "may_book": bool(organisations) and platform.status == "published",
            "form": form
            or BookingForm(
                organisations=organisations,
                initial={"organisation": organisations[0][0] if organisations else None},
            ),
            "status_form": StatusForm(),
            "history": history_for(platform)[:20] if manages else [],
        },
        status=status,
    )


@login_required
@require_POST
def platform_book(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    selectors.platform_get(viewer, pk)  # 404 before reading the form
    organisations = [(i, n) for i, n in owner_choices(viewer) if viewer.belongs_to(i)]
    form = BookingForm(request.POST, organisations=organisations)
    if form.is_valid():
        d = form.cleaned_data
        try:
            booking = booking_services.booking_request(
                viewer=viewer,
                platform_id=pk,
                units=d["units"],
                start_date=d["start_date"],
                end_date=d["end_date"],
                purpose=d["purpose"],
                organisation_id=d["organisation"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Your booking request was sent to the operator."))
            return redirect("facilities:booking", pk=booking.pk)
    return platform_detail(request, pk, form=form, status=400)


def _editor(request: JieliRequest, kind: str, pk: int | None = None) -> HttpResponse:
    viewer = request.viewer
    if not viewer.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    record: Any = None
    if kind == "platform":
        if pk is not None:
            record = selectors.platform_get(viewer, pk)
            if not selectors.may_manage_platform(viewer, record):
                raise PermissionDenied()
        elif not _may_add(request, kind):
            raise PermissionDenied(
                _("Only organisation administrators and the secretariat add platforms.")
            )
        operators = owner_choices(viewer, administered_only=not viewer.is_staff_role)
        make: Any = lambda *a, **kw: PlatformForm(*a, operators=operators, **kw)  # noqa: E731
    else:
        if not selectors.may_manage_zones(viewer):
            if pk is not None:
                (selectors.zone_get if kind == "zone" else selectors.cluster_get)(viewer, pk)
            raise PermissionDenied(_("Only the secretariat manages zones and clusters."))
        if pk is not None:
            record = (selectors.zone_get if kind == "zone" else selectors.cluster_get)(viewer, pk)
        organisations = owner_choices(viewer)
        form_class = ZoneForm if kind == "zone" else ClusterForm
        make = lambda *a, **kw: form_class(*a, organisations=organisations, **kw)  # noqa: E731
    initial = type(make(data=None)).initial_from(record) if record is not None else None
    form = make(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = _save(viewer, kind, pk, form.service_data())
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(f"facilities:{kind}", pk=saved.pk)
    return render(
        request,
        "facilities/form.html",
        {"form": form, "record": record, "kind": kind, "title": _title(kind, record)},
        status=status,
    )


def _title(kind: str, record: Any) -> str:
    if record is not None:
        return _("Edit “{name}”").format(name=record.display_name)
    return {
        "platform": _("Add a pilot-test platform"),
        "zone": _("Add an undertaking zone"),
        "cluster": _("Add an industrial cluster"),
    }[kind]


def _save(viewer: Any, kind: str, pk: int | None, data: dict[str, Any]) -> Any:
    create = {
        "platform": services.platform_create,
        "zone": services.zone_create,
        "cluster": services.cluster_create,
    }[kind]
    update = {
        "platform": services.platform_update,
        "zone": services.zone_update,
        "cluster": services.cluster_update,
    }[kind]
    if pk is None:
        return create(viewer=viewer, data=data)
    return update(viewer=viewer, pk=pk, data=data)


def platform_new(request: JieliRequest) -> HttpResponse:
    return _editor(request, "platform")


def platform_edit(request: JieliRequest, pk: int) -> HttpResponse:
    return _editor(request, "platform", pk)


def zone_new(request: JieliRequest) -> HttpResponse:
    return _editor(request, "zone")


def zone_edit(request: JieliRequest, pk: int) -> HttpResponse:
    return _editor(request, "zone", pk)


def cluster_new(request: JieliRequest) -> HttpResponse:
    return _editor(request, "cluster")


def cluster_edit(request: JieliRequest, pk: int) -> HttpResponse:
    return _editor(request, "cluster", pk)


def zone_detail(request: JieliRequest, pk: int) -> HttpResponse:
    zone = selectors.zone_get(request.viewer, pk)
    manages = selectors.may_manage_zones(request.viewer)
    return render(
        request,
        "facilities/zone_detail.html",
        {
            "zone": zone,
            "manages": manages,
            # What a regional dashboard would show beside it: the region's platforms and clusters.
            "platforms": selectors.platforms_in_region(request.viewer, zone.region_id)[:10],  # type: ignore[attr-defined]
            "clusters": selectors.clusters_in_region(request.viewer, zone.region_id)[:10],  # type: ignore[attr-defined]
            "status_form": StatusForm(),
            "history": history_for(zone)[:20] if manages else [],
        },
    )


def cluster_detail(request: JieliRequest, pk: int) -> HttpResponse:
    cluster = selectors.cluster_get(request.viewer, pk)
    manages = selectors.may_manage_zones(request.viewer)
    return render(
        request,
        "facilities/cluster_detail.html",
        {
            "cluster": cluster,
            "manages": manages,
            "status_form": StatusForm(),
            "history": history_for(cluster)[:20] if manages else [],
        },
    )


@login_required
@require_POST
def set_status(request: JieliRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in DIRECTORIES:
        raise NotFound()
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect(f"facilities:{kind}", pk=pk)
    action = form.cleaned_data["action"]
    try:
        services.facility_set_status(
            viewer=request.viewer,
            kind=kind,
            pk=pk,
            action=action,
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, STATUS_DONE[action])
    if action == "hide" and not request.viewer.is_staff_role:
        return redirect(f"facilities:{DIRECTORIES[kind][1]}")
    return redirect(f"facilities:{kind}", pk=pk)


@login_required
def booking_list(request: JieliRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    if role not in ("", "requester", "operator"):
        raise InvalidInput(
            fields={"role": [_("Choose one of: {options}.").format(options="requester, operator")]}
        )
    qs = selectors.bookings_for_viewer(request.viewer, role=role)
    return render(
        request,
        "facilities/bookings.html",
        {"page": page_of(request, qs), "role": role},
    )


@login_required
def booking_detail(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    booking = selectors.booking_get(viewer, pk)
    sides, moves = selectors.booking_actions(viewer, booking)
    return render(
        request,
        "facilities/booking_detail.html",
        {
            "booking": booking,
            "sides": sides,
            "moves": [(name, MOVES[name].label) for name in moves],
            "move_form": MoveForm(),
            "history": history_for(booking)[:30],
            "track": [
                (v, label)
                for v, label in BookingStatus.choices
                if v in ("requested", "proposed", "accepted")
            ],
        },
    )


@login_required
@require_POST
def booking_move(request: JieliRequest, pk: int) -> HttpResponse:
    selectors.booking_get(request.viewer, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect("facilities:booking", pk=pk)
    d = form.cleaned_data
    try:
        booking_services.booking_move(
            viewer=request.viewer,
            pk=pk,
            move=d["action"],
            reason=d["reason"],
            proposed_start=d["proposed_start"],
            proposed_end=d["proposed_end"],
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, DONE[d["action"]])
    return redirect("facilities:booking", pk=pk)
