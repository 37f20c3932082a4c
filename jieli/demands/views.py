from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jieli.core.errors import NotFound, ServiceError
from jieli.core.forms import apply_service_error, safe_next
from jieli.core.http import JieliRequest, message_service_error
from jieli.core.pagination import page_of
from jieli.demands import selectors, services
from jieli.demands.forms import ActionForm, DemandFilterForm, DemandForm
from jieli.demands.models import Demand
from jieli.organisations.selectors import owner_choices

DONE_MESSAGES = {
    "submit": gettext_lazy("Submitted for review."),
    "publish": gettext_lazy("Published."),
    "return": gettext_lazy("Returned to the owner."),
    "reconfirm": gettext_lazy("Re-confirmed; thank you."),
    "archive": gettext_lazy("Archived."),
}


def demand_list(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    form = DemandFilterForm(request.GET or None)
    status = 200
    filters = selectors.DemandFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.DemandFilters(
            q=d["q"],
            industry=d["industry"],
            region=d["region"],
            cooperation_mode=d["cooperation_mode"],
            budget_min=d["budget_min"],
            budget_max=d["budget_max"],
            negotiable=d["negotiable"],
            deadline_after=d["deadline_after"],
            open_only=d["open_only"],
            published_since=d["published_since"],
            owner=d["owner"],
            status=d["status"],
        )
    elif form.is_bound:
        status = 400
    qs = Demand.objects.none()
    if status == 200:
        try:
            qs = selectors.demand_list(viewer, filters)
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
    page = page_of(request, qs)
    return render(request, "demands/list.html", {"page": page, "form": form}, status=status)


def demand_detail(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    try:
        demand = selectors.demand_get(viewer, pk)
    except NotFound as exc:
        raise Http404 from exc
    detail = selectors.demand_detail_for(viewer, demand)
    history = selectors.demand_history(viewer, demand)[:30] if detail.owner_side else []
    return render(
        request,
        "demands/detail.html",
        {
            "demand": demand,
            "detail": detail,
            "history": history,
            "action_form": ActionForm(),
        },
    )


@login_required
def demand_create(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    choices = owner_choices(viewer)
    if not choices:
        return render(
            request,
            "403.html",
            {
                "message": _("Join or register an organisation before posting a demand."),
            },
            status=403,
        )
    form = DemandForm(request.POST or None, owner_choices=choices, initial={"visibility": "public"})
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_create(viewer=viewer, data=form.service_data())
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved as a draft. Submit it for review when ready."))
            return redirect("demands:detail", pk=demand.pk)
    return render(
        request,
        "demands/form.html",
        {"form": form, "title": _("Post a demand")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def demand_edit(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    try:
        demand = selectors.demand_get(viewer, pk)
    except NotFound as exc:
        raise Http404 from exc
    detail = selectors.demand_detail_for(viewer, demand)
    if not detail.may_edit:
        return render(request, "403.html", status=403)
    form = DemandForm(
        request.POST or None,
        owner_choices=[],
        editing=True,
        initial=DemandForm.initial_from(demand),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_update(viewer=viewer, pk=demand.pk, data=form.service_data())
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("demands:detail", pk=demand.pk)
    return render(
        request,
        "demands/form.html",
        {"form": form, "title": demand.title, "demand": demand},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def demand_action(request: JieliRequest, pk: int) -> HttpResponse:
    """One POST for every life-cycle button; the secretariat's publish/return form too."""
    viewer = request.viewer
    form = ActionForm(request.POST)
    if not form.is_valid():
        try:
            selectors.demand_get(viewer, pk)
        except NotFound as exc:
            raise Http404 from exc
        messages.error(request, _("Unknown action."))
        return redirect("demands:detail", pk=pk)
    action = form.cleaned_data["action"]
    try:
        services.demand_transition(
            viewer=viewer, pk=pk, action=action, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, DONE_MESSAGES[action])
    return redirect(safe_next(request, reverse("demands:detail", args=[pk])))
