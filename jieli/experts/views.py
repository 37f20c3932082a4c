from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jieli.core.errors import NotFound, ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.http import JieliRequest
from jieli.core.pagination import page_of
from jieli.experts import selectors, services
from jieli.experts.forms import AffiliationForm, ExpertFilterForm, ExpertProfileForm
from jieli.experts.models import Expert


def expert_list(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    form = ExpertFilterForm(request.GET or None)
    status = 200
    filters = selectors.ExpertFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.ExpertFilters(**form.cleaned_data)
    elif form.is_bound:
        status = 400
    qs = Expert.objects.none()
    if status == 200:
        try:
            qs = selectors.expert_list(viewer, filters)
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
    page = page_of(request, qs)
    return render(request, "experts/list.html", {"page": page, "form": form}, status=status)


def expert_detail(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    try:
        expert = selectors.expert_get(viewer, pk)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "experts/detail.html",
        {
            "expert": expert,
            "detail": selectors.expert_detail_for(viewer, expert),
        },
    )


@login_required
def my_profile(request: JieliRequest) -> HttpResponse:
    """The signed-in expert edits their own profile and declared affiliations."""
    viewer = request.viewer
    expert = selectors.expert_for_user(viewer)
    if expert is None:
        return render(request, "403.html", {"message": selectors.no_expert_message()}, status=404)
    profile_form = ExpertProfileForm(initial=ExpertProfileForm.initial_from(expert))
    affiliation_form = AffiliationForm()
    status = 200
    if request.method == "POST":
        try:
            if "remove_affiliation" in request.POST:
                raw = request.POST["remove_affiliation"]
                if not raw.isdigit():
                    raise NotFound()
                services.expert_affiliation_remove(viewer=viewer, affiliation_id=int(raw))
                messages.success(request, _("Affiliation removed."))
                return redirect("experts:me")
            if "add_affiliation" in request.POST:
                affiliation_form = AffiliationForm(request.POST)
                if affiliation_form.is_valid():
                    services.expert_affiliation_add(
                        viewer=viewer, expert_id=expert.pk, data=affiliation_form.cleaned_data
                    )
                    messages.success(request, _("Affiliation declared."))
                    return redirect("experts:me")
            else:
                profile_form = ExpertProfileForm(request.POST)
                if profile_form.is_valid():
                    services.expert_update(
                        viewer=viewer, pk=expert.pk, data=profile_form.service_data()
                    )
                    messages.success(request, _("Saved."))
                    return redirect("experts:me")
        except NotFound as exc:
            raise Http404 from exc
        except ServiceError as exc:
            target = affiliation_form if "add_affiliation" in request.POST else profile_form
            apply_service_error(target, exc)
        status = 400 if profile_form.errors or affiliation_form.errors else 200
    return render(
        request,
        "experts/me.html",
        {
            "expert": expert,
            "form": profile_form,
            "affiliation_form": affiliation_form,
            "affiliations": selectors.expert_affiliations(viewer, expert),
        },
        status=status,
    )
