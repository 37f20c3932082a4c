"""Pages: request an evaluation, my evaluations, one evaluation (stage, panel, scoring, panel
results, valuation, market survey, issue), an issued report and its PDF; and the two hooks on
an achievement's page (the "Request an evaluation" button and the latest issued summary)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieli.core import registry
from jieli.core.errors import NotFound, ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.history import history_for
from jieli.core.http import JieliRequest, message_service_error
from jieli.core.pagination import page_of
from jieli.core.pdf import PdfFontMissing
from jieli.core.viewer import Viewer
from jieli.evaluations import (
    conflicts,
    forms,
    panel_services,
    report,
    selectors,
    services,
    valuation_services,
)
from jieli.evaluations.models import Method, SeatStatus, Stage
from jieli.evaluations.stages import MOVES, allowed_moves

SURVEY_STAGES = (Stage.STAFFING, Stage.SCORING, Stage.VALUING)
TRACK = (Stage.AWAITING_CONSENT, Stage.STAFFING, Stage.SCORING, Stage.VALUING, Stage.ISSUED)


def evaluate_action(viewer: Viewer, kind: str, record: Any) -> list[tuple[str, str]]:
    """ "Request an evaluation" on an achievement's page (``core.registry`` hook)."""
    if kind != "achievement" or not selectors.may_request_evaluation(viewer, record):
        return []
    return [(_("Request an evaluation"), reverse("evaluations:new", args=[record.pk]))]


def evaluation_summary(viewer: Viewer, kind: str, record: Any) -> list[dict[str, Any]]:
    """The latest issued evaluation the viewer may see (``core.registry`` hook)."""
    if kind != "achievement":
        return []
    latest = selectors.latest_report_for(viewer, record.pk)
    if latest is None:
        return []
    snap = latest.snapshot
    rows = [
        (
            _("Overall score (0–100)"),
            f"{snap['agreement']['total']:.1f}" if snap["agreement"]["total"] is not None else "—",
        )
    ]
    for v in report.view_rows(snap)["valuations"]:
        rows.append((v["label"], v["value"]))
        if v["mc"]:
            rows.append(
                (_("Income approach P10–P90"), f"{v['mc_rows'][0][1]} – {v['mc_rows'][2][1]}")
            )
    return [
        {
            "title": _("Market evaluation (report v{version}, {date})").format(
                version=latest.version, date=snap["issued_on"]
            ),
            "rows": rows,
            "url": latest.get_absolute_url(),
            "data": {
                "kind": "evaluation",
                "report_id": latest.pk,
                "version": latest.version,
                "issued_on": snap["issued_on"],
                "total": snap["agreement"]["total"],
                "values": {
                    m: round(v["result"]["value"], 2) for m, v in snap["valuations"].items()
                },
            },
        }
    ]


@login_required
def evaluation_list(request: JieliRequest) -> HttpResponse:
    qs = selectors.visible_evaluations(request.viewer)
    page = page_of(request, qs)
    return render(request, "evaluations/list.html", {"page": page})


@login_required
def evaluation_new(request: JieliRequest, achievement_id: int) -> HttpResponse:
    viewer = request.viewer
    achievement = registry.visible(viewer, "achievement").filter(pk=achievement_id).first()
    if achievement is None:
        raise NotFound()
    form = forms.RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_request(
                viewer=viewer, achievement_id=achievement.pk, **form.cleaned_data
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The evaluation was requested."))
            return redirect(evaluation)
    return render(request, "evaluations/new.html", {"form": form, "achievement": achievement})


@login_required
def evaluation_detail(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    evaluation = selectors.evaluation_get(viewer, pk)
    sides = selectors.sides_of(viewer, evaluation)
    seat = selectors.viewer_seat(viewer, evaluation)
    moves = [m for m in allowed_moves(evaluation.stage, sides) if m != "issue"]
    ctx: dict[str, Any] = {
        "e": evaluation,
        "sides": sides,
        "seat": seat,
        "seats": selectors.seats_of(evaluation),
        "moves": [(m, MOVES[m].label, MOVES[m].needs_reason) for m in moves],
        "needs_reason": any(MOVES[m].needs_reason for m in moves),
        "track": [(s.value, s.label) for s in TRACK],
        "reason_form": forms.ReasonForm(),
        "reports": evaluation.reports.all(),
        "history": history_for(evaluation)[:30],
        "may_issue": "manager" in sides and evaluation.stage == Stage.VALUING,
    }
    if "manager" in sides and evaluation.stage in panel_services.STAFFABLE:
        ctx["invite_form"] = forms.InviteForm()
        ctx["suggestions"] = conflicts.suggestions(viewer, evaluation)
        ctx["conflicts"] = conflicts.conflicts_for(evaluation)
    if (
        seat is not None
        and seat.status == SeatStatus.ACCEPTED
        and evaluation.stage == Stage.SCORING
        and (seat.submitted_at is None or seat.asked_to_reconsider)
    ):
        initial: dict[str, Any] = {}
        for s in seat.scores.all():
            initial[f"score_{s.indicator}"] = s.value
            initial[f"justification_{s.indicator}"] = s.justification
        ctx["score_form"] = forms.ScoreForm(evaluation.index_system.tree, initial=initial)
    if selectors.results_visible(sides, evaluation):
        ctx["results"] = selectors.panel_results(evaluation)
        ctx["may_reconsider"] = (
            bool(sides & {"chair", "manager"})
            and evaluation.stage == Stage.SCORING
            and not evaluation.reconsider_asked
        )
    if sides & {"manager", "chair"} and evaluation.stage in valuation_services.VALUING:
        saved = {v.method: v for v in evaluation.valuations.all()}
        ctx["valuation_forms"] = [
            (Method.INCOME, Method.INCOME.label, forms.IncomeForm(prefix="income")),
            (Method.COST, Method.COST.label, forms.CostForm(prefix="cost")),
            (Method.MARKET, Method.MARKET.label, forms.MarketForm(prefix="market")),
        ]
        ctx["saved_valuations"] = saved
    if evaluation.valuations.exists():
        preview = {
            "valuations": {
                v.method: {"inputs": v.inputs, "result": v.result}
                for v in evaluation.valuations.all()
            }
        }
        ctx["valuation_rows"] = report.view_rows_valuations(preview)
    if sides & {"manager", "panel"} and evaluation.stage in SURVEY_STAGES:
        survey = getattr(evaluation, "survey", None)
        initial = (
            {}
            if survey is None
            else {f: getattr(survey, f) for f in valuation_services.SURVEY_FIELDS}
        )
        ctx["survey_form"] = forms.SurveyForm(initial=initial)
    ctx["survey"] = getattr(evaluation, "survey", None)
    return render(request, "evaluations/detail.html", ctx)


def _form_errors(request: JieliRequest, form: Any) -> None:
    """A posted form that did not validate: its errors in the flash messages."""
    details = [
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
        if name in form.fields
    ]
    messages.error(request, " ".join([str(_("Some fields are not valid.")), *details]))


def _back(evaluation_id: int) -> HttpResponse:
    return redirect("evaluations:detail", evaluation_id)


def _done(request: JieliRequest, call: Any, message: str) -> None:
    try:
        call()
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, message)


@login_required
@require_POST
def evaluation_move(request: JieliRequest, pk: int) -> HttpResponse:
    action = request.POST.get("action", "")
    _done(
        request,
        lambda: services.evaluation_move(
            viewer=request.viewer,
            evaluation_id=pk,
            action=action,
            reason=request.POST.get("reason", ""),
        ),
        _("Saved."),
    )
    return _back(pk)


@login_required
@require_POST
def seat_invite(request: JieliRequest, pk: int) -> HttpResponse:
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Some fields are not valid."))
        return _back(pk)
    d = form.cleaned_data
    _done(
        request,
        lambda: panel_services.seat_invite(
            viewer=request.viewer,
            evaluation_id=pk,
            expert_id=d["expert_id"],
            is_chair=d["is_chair"],
            override_reason=d["override_reason"],
            replaces_id=d.get("replaces_id"),
        ),
        _("The expert was invited."),
    )
    return _back(pk)


@login_required
@require_POST
def seat_respond(request: JieliRequest, pk: int) -> HttpResponse:
    accept = request.POST.get("answer") == "accept"
    _done(
        request,
        lambda: panel_services.seat_respond(
            viewer=request.viewer,
            evaluation_id=pk,
            accept=accept,
            reason=request.POST.get("reason", ""),
        ),
        _("Your answer was recorded."),
    )
    return _back(pk)


@login_required
@require_POST
def scores_submit(request: JieliRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(request.viewer, pk)
    form = forms.ScoreForm(evaluation.index_system.tree, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(pk)
    _done(
        request,
        lambda: panel_services.scores_submit(
            viewer=request.viewer, evaluation_id=pk, scores=form.scores()
        ),
        _("Your scores were submitted."),
    )
    return _back(pk)


@login_required
@require_POST
def reconsider(request: JieliRequest, pk: int) -> HttpResponse:
    _done(
        request,
        lambda: panel_services.reconsider_ask(viewer=request.viewer, evaluation_id=pk),
        _("The outliers were asked to reconsider."),
    )
    return _back(pk)


VALUATION_FORMS = {
    Method.INCOME: forms.IncomeForm,
    Method.COST: forms.CostForm,
    Method.MARKET: forms.MarketForm,
}


@login_required
@require_POST
def valuation_save(request: JieliRequest, pk: int, method: str) -> HttpResponse:
    form_class = VALUATION_FORMS.get(method)  # type: ignore[call-overload]
    if form_class is None:
        raise NotFound()
    form = form_class(request.POST, prefix=method)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(pk)
    _done(
        request,
        lambda: valuation_services.valuation_save(
            viewer=request.viewer, evaluation_id=pk, method=method, inputs=form.inputs()
        ),
        _("The valuation was saved."),
    )
    return _back(pk)


@login_required
@require_POST
def survey_save(request: JieliRequest, pk: int) -> HttpResponse:
    form = forms.SurveyForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(pk)
    _done(
        request,
        lambda: valuation_services.survey_save(
            viewer=request.viewer, evaluation_id=pk, data=form.inputs()
        ),
        _("The market survey was saved."),
    )
    return _back(pk)


@login_required
@require_POST
def evaluation_issue(request: JieliRequest, pk: int) -> HttpResponse:
    try:
        issued = services.evaluation_issue(viewer=request.viewer, evaluation_id=pk)
    except ServiceError as exc:
        message_service_error(request, exc)
        return _back(pk)
    messages.success(request, _("The report was issued."))
    return redirect(issued)


def report_page(request: JieliRequest, pk: int) -> HttpResponse:
    issued = selectors.report_get(request.viewer, pk)
    return render(
        request,
        "evaluations/report.html",
        {
            "report": issued,
            "snap": issued.snapshot,
            "rows": report.view_rows(issued.snapshot),
            "title": report.report_title(),
            "disclaimer": report.disclaimer(),
        },
    )


def report_pdf(request: JieliRequest, pk: int) -> HttpResponse:
    issued = selectors.report_get(request.viewer, pk)
    try:
        data = report.render_pdf(issued.snapshot)
    except PdfFontMissing:
        message = _("The PDF cannot be made: the server has no Chinese font installed.")
        return render(
            request,
            "evaluations/unavailable.html",
            {"message": message, "report": issued},
            status=503,
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="evaluation-report-{issued.achievement_id}-v{issued.version}.pdf"'  # type: ignore[attr-defined]
    )
    return response
