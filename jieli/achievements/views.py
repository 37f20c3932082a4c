from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieli.achievements import selectors, services
from jieli.achievements.forms import (
    AchievementFilterForm,
    AchievementForm,
    ActionForm,
    IPFormSet,
    ip_initial,
    ip_records_from,
)
from jieli.core import registry
from jieli.core.errors import ServiceError
from jieli.core.forms import apply_service_error, safe_next
from jieli.core.http import JieliRequest, message_service_error
from jieli.core.listing import ACTION_LABELS, TRANSITIONS
from jieli.core.pagination import page_of
from jieli.core.viewer import Viewer
from jieli.organisations.selectors import owner_choices


def achievement_list(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    show_status = viewer.is_staff_role or bool(viewer.organisation_ids)
    form = AchievementFilterForm(request.GET or None, show_status=show_status)
    status = 200
    qs: Any = []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = form.to_filters() if form.is_bound else selectors.AchievementFilters()
        try:
            qs = selectors.achievement_list(viewer, filters).select_related(
                "owner", "industry", "region"
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
    page = page_of(request, qs)
    return render(request, "achievements/list.html", {"page": page, "form": form}, status=status)


def _get_or_404(viewer: Viewer, pk: int) -> Any:
    return selectors.achievement_get(viewer, pk)  # NotFound: the error boundary answers 404


def achievement_detail(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    achievement = _get_or_404(viewer, pk)
    view = selectors.achievement_detail_for(viewer, achievement)
    buttons = [(a, ACTION_LABELS[a]) for a in view.actions]
    return render(
        request,
        "achievements/detail.html",
        {
            "a": achievement,
            "view": view,
            "buttons": buttons,
            "action_form": ActionForm(),
        },
    )


@login_required
def achievement_create(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    choices = owner_choices(viewer)
    if not choices:
        return render(
            request,
            "403.html",
            {
                "message": _("Join or register an organisation before adding achievements."),
            },
            status=403,
        )
    post = request.POST if request.method == "POST" else None
    form = AchievementForm(post, owner_choices=choices)
    formset = IPFormSet(post, prefix="ip")
    status = 200
    suspects: list = []
    if request.method == "POST":
        choice = request.POST.get("duplicate_choice", "")
        if form.is_valid() and formset.is_valid():
            ip_records = ip_records_from(formset)
            suspects = [] if choice else _duplicate_suspects(viewer, form, ip_records)
            if not suspects:
                try:
                    # The record and the creator's duplicate choice stand or fall together.
                    with transaction.atomic():
                        achievement = services.achievement_create(
                            viewer=viewer,
                            owner_id=form.cleaned_data["owner"],
                            data=form.service_data(),
                            ip_records=ip_records,
                        )
                        if choice:
                            registry.duplicate_check().creator_choice(
                                viewer=viewer,
                                kind="achievement",
                                record=achievement,
                                choice=choice,
                            )
                except ServiceError as exc:
                    apply_service_error(form, exc)
                else:
                    messages.success(
                        request, _("Saved as a draft. Submit it for review when it is ready.")
                    )
                    return redirect("achievements:detail", pk=achievement.pk)
        if not suspects:
            status = 400
    return render(
        request,
        "achievements/form.html",
        {
            "form": form,
            "formset": formset,
            "title": _("New achievement"),
            "suspects": suspects,
        },
        status=status,
    )


def _duplicate_suspects(viewer: Viewer, form: AchievementForm, ip_records: list) -> list:
    """Possible duplicates to show before the record is created (the user then chooses)."""
    data = form.cleaned_data
    return registry.duplicate_check().suspects(
        kind="achievement",
        data={
            "title": data.get("title", ""),
            "summary": data.get("summary", ""),
            "detail": data.get("detail", ""),
            "ip_numbers": [r.get("number", "") for r in ip_records if r.get("number")],
        },
        viewer=viewer,
    )


@login_required
def achievement_edit(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    achievement = _get_or_404(viewer, pk)
    view = selectors.achievement_detail_for(viewer, achievement)
    if not view.may_edit:
        return render(request, "403.html", status=403)
    post = request.POST if request.method == "POST" else None
    form = AchievementForm(post, initial=AchievementForm.initial_from(achievement))
    formset = IPFormSet(post, prefix="ip", initial=ip_initial(achievement))
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                services.achievement_update(
                    viewer=viewer,
                    pk=achievement.pk,
                    data=form.service_data(),
                    ip_records=ip_records_from(formset),
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("achievements:detail", pk=achievement.pk)
        status = 400
    return render(
        request,
        "achievements/form.html",
        {
            "form": form,
            "formset": formset,
            "title": achievement.title,
            "a": achievement,
        },
        status=status,
    )


@login_required
@require_POST
def achievement_action(request: JieliRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404
    form = ActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("achievements:detail", pk=pk)
    try:
        services.achievement_transition(
            viewer=request.viewer, pk=pk, action=action, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("Done: {action}.").format(action=ACTION_LABELS[action]))
    return redirect(safe_next(request, reverse("achievements:detail", args=[pk])))
