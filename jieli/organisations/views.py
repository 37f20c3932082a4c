from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieli.core.errors import NotFound, ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.history import history_for
from jieli.core.http import JieliRequest, message_service_error
from jieli.core.pagination import page_of
from jieli.organisations import selectors, services
from jieli.organisations.forms import DecisionForm, MemberAddForm, OrganisationForm
from jieli.organisations.models import MembershipStatus, MembershipTier, OrganisationType


def organisation_list(request: JieliRequest) -> HttpResponse:
    g = request.GET
    filters = selectors.OrganisationFilters(
        q=g.get("q", "")[:200],
        org_type=g.get("org_type", "")[:30],
        region=g.get("region", "")[:12],
        tier=g.get("tier", "")[:12],
        membership_status=g.get("membership_status", "")[:12],
    )
    try:
        qs = selectors.organisation_list(request.viewer, filters)
    except ServiceError as exc:
        messages.error(request, exc.message)
        qs = selectors.organisation_list(
            request.viewer,
            selectors.OrganisationFilters(),
        )
    page = page_of(request, qs)
    return render(
        request,
        "organisations/list.html",
        {
            "page": page,
            "filters": filters,
            "org_types": OrganisationType.choices,
            "tiers": MembershipTier.choices,
            "statuses": MembershipStatus.choices,
        },
    )


def organisation_detail(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    try:
        org = selectors.organisation_get(viewer, pk)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "organisations/detail.html",
        {
            "org": org,
            "members": selectors.memberships_of(viewer, org),
            "may_manage": selectors.may_manage_organisation(viewer, org),
            "history": history_for(org)[:30]
            if viewer.is_staff_role or viewer.belongs_to(org.pk)
            else [],
            "decision_form": DecisionForm() if viewer.is_staff_role else None,
        },
    )


@login_required
def organisation_apply(request: JieliRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_apply(viewer=request.viewer, data=form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("Your application was received; the secretariat will review it.")
            )
            return redirect("organisations:detail", pk=org.pk)
    return render(
        request,
        "organisations/form.html",
        {"form": form, "title": _("Apply for membership")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def organisation_edit(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    try:
        org = selectors.organisation_get(viewer, pk)
    except NotFound as exc:
        raise Http404 from exc
    if not selectors.may_manage_organisation(viewer, org):
        return render(request, "403.html", status=403)
    form = OrganisationForm(request.POST or None, initial=OrganisationForm.initial_from(org))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                viewer=viewer, organisation_id=org.pk, data=form.cleaned_data
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("organisations:detail", pk=org.pk)
    return render(
        request,
        "organisations/form.html",
        {"form": form, "title": org.name},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def organisation_decide(request: JieliRequest, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("organisations:detail", pk=pk)
    try:
        services.organisation_decide(
            viewer=request.viewer,
            organisation_id=pk,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            tier=form.cleaned_data["tier"],
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("organisations:detail", pk=pk)


@login_required
def organisation_members(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    try:
        org = selectors.organisation_get(viewer, pk)
    except NotFound as exc:
        raise Http404 from exc
    if not selectors.may_manage_organisation(viewer, org):
        return render(request, "403.html", status=403)
    adding = request.method == "POST" and "remove" not in request.POST
    form = MemberAddForm(request.POST if adding else None)
    if request.method == "POST":
        remove_id = request.POST.get("remove")
        try:
            if remove_id:
                if not remove_id.isdigit():
                    raise ServiceError(_("Unknown member."))
                services.membership_remove(viewer=viewer, membership_id=int(remove_id))
                messages.success(request, _("Member removed."))
                return redirect("organisations:members", pk=org.pk)
            if form.is_valid():
                services.membership_add(
                    viewer=viewer,
                    organisation_id=org.pk,
                    username_or_email=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                )
                messages.success(request, _("Member added."))
                return redirect("organisations:members", pk=org.pk)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(
        request,
        "organisations/members.html",
        {
            "org": org,
            "members": selectors.memberships_of(viewer, org),
            "form": form,
        },
    )


# --- personal API tokens -------------------------------------------------------------------


@login_required
def api_tokens(request: JieliRequest) -> HttpResponse:
    """The signed-in user's API tokens: list, create (the key is shown once), revoke."""
    from jieli.core.selectors import api_tokens_of
    from jieli.core.services import api_token_create
    from jieli.organisations.forms import ApiTokenForm

    viewer = request.viewer
    new_key = ""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = api_token_create(
                viewer=viewer,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
            form = ApiTokenForm()
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(
        request,
        "organisations/tokens.html",
        {"form": form, "tokens": api_tokens_of(viewer), "new_key": new_key},
    )


@login_required
@require_POST
def api_token_revoke(request: JieliRequest, pk: int) -> HttpResponse:
    from jieli.core.services import api_token_revoke as revoke

    try:
        revoke(viewer=request.viewer, token_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("The token was revoked."))
    return redirect("organisations:tokens")
