from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieli.core.errors import NotFound, ServiceError
from jieli.core.http import JieliRequest
from jieli.core.security import page_rate_limit
from jieli.matching import selectors, services


@page_rate_limit("matches")
def demand_matches(request: JieliRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.demand_match_page(request.viewer, demand_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "matching/demand.html",
        {
            "demand": page.demand,
            "achievements": page.achievements,
            "experts": page.experts,
            "organisations": page.organisations,
            "source_kind": "demand",
        },
    )


@page_rate_limit("matches")
def achievement_matches(request: JieliRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.achievement_match_page(request.viewer, achievement_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "matching/achievement.html",
        {
            "achievement": page.achievement,
            "demands": page.demands,
            "similar": page.similar,
            "source_kind": "achievement",
        },
    )


def vector_status(request: JieliRequest) -> HttpResponse:
    return render(request, "matching/status.html", {"rows": selectors.vector_status()})


@login_required
@require_POST
def feedback(request: JieliRequest) -> HttpResponse:
    post = request.POST
    back = post.get("next", "/")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    try:
        services.match_feedback_record(
            viewer=request.viewer,
            source_kind=post.get("source_kind", ""),
            source_id=int(post.get("source_id", "")),
            target_kind=post.get("target_kind", ""),
            target_id=int(post.get("target_id", "")),
            useful=post.get("useful") == "1",
            rank=int(post["rank"]) if post.get("rank", "").isdigit() else None,
        )
    except ValueError:
        messages.error(request, _("The feedback form was incomplete."))
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: your feedback was saved."))
    return redirect(back)
