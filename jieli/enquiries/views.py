"""Pages: enquire, my enquiries, a thread with its stage buttons, the broker workspace,
introductions, and the secretariat's dropped batons, reports and brokers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jieli.core import registry
from jieli.core.errors import InvalidInput, NotFound, ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.history import history_for
from jieli.core.http import JieliRequest, message_service_error
from jieli.core.pagination import page_of
from jieli.core.viewer import Viewer
from jieli.enquiries import broker_services, selectors, services
from jieli.enquiries.forms import (
    BrokerForm,
    BrokerRegisterForm,
    EnquiryForm,
    IntroductionForm,
    MoveForm,
    ReplyForm,
    ReportForm,
)
from jieli.enquiries.models import EnquiryAttachment, Stage
from jieli.enquiries.stages import MOVES
from jieli.organisations.selectors import owner_choices, visible_organisations

DONE = {
    "discuss": gettext_lazy("The enquiry is now in discussion."),
    "sign_intention": gettext_lazy("Recorded: intention signed."),
    "sign_contract": gettext_lazy("Recorded: contract signed."),
    "decline": gettext_lazy("The enquiry was declined."),
    "close": gettext_lazy("The enquiry was closed."),
}


def enquire_action(viewer: Viewer, kind: str, record: Any) -> list[tuple[str, str]]:
    """The buttons this app offers on a listing's detail page (``core.registry`` hook)."""
    out = []
    if services.may_enquire(viewer, kind, record):
        out.append((_("Enquire"), reverse("enquiries:new", args=[kind, record.pk])))
    if kind in broker_services.INTRODUCTION_KINDS and getattr(record, "status", "") == "published":
        if selectors.broker_for(viewer) is not None:
            out.append(
                (_("Introduce a party"), reverse("enquiries:introduce", args=[kind, record.pk]))
            )
        if viewer.is_staff_role or viewer.belongs_to(record.owner_id):
            out.append(
                (_("Assign a broker"), reverse("enquiries:listing_broker", args=[kind, record.pk]))
            )
    return out


@login_required
def enquiry_list(request: JieliRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    stage = request.GET.get("stage", "")
    qs = selectors.enquiry_list(request.viewer, stage=stage, role=role)
    return render(
        request,
        "enquiries/list.html",
        {
            "page": page_of(request, qs),
            "role": role,
            "stage": stage,
            "stages": Stage.choices,
            "is_broker": selectors.broker_for(request.viewer) is not None,
        },
    )


@login_required
def enquiry_new(request: JieliRequest, kind: str, pk: int) -> HttpResponse:
    viewer = request.viewer
    target, _org, _user = services.target_for(viewer, kind, pk)  # 404 when hidden
    organisations = [(pk, name) for pk, name in owner_choices(viewer) if viewer.belongs_to(pk)]
    form = EnquiryForm(
        request.POST or None,
        links=selectors.own_link_choices(viewer),
        organisations=organisations,
        initial={"sender_organisation": organisations[0][0] if organisations else ""},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                enquiry = services.enquiry_create(
                    viewer=viewer, kind=kind, target_id=pk, **form.service_data()
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Your enquiry was sent."))
                return redirect("enquiries:detail", pk=enquiry.pk)
    spec = registry.get_kind(kind)
    return render(
        request,
        "enquiries/new.html",
        {
            "form": form,
            "target": target,
            "target_title": getattr(target, spec.title_field, ""),
            "target_url": selectors.target_url(kind, pk),
            "kind_label": spec.label,
        },
        status=status,
    )


def _thread(
    request: JieliRequest, pk: int, *, reply_form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    viewer = request.viewer
    enquiry = selectors.enquiry_get(viewer, pk)
    detail = selectors.enquiry_detail_for(viewer, enquiry)
    thread = selectors.enquiry_messages(viewer, enquiry)
    paginator = Paginator(thread, 30)
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    return render(
        request,
        "enquiries/detail.html",
        {
            "enquiry": enquiry,
            "detail": detail,
            "page": page,
            "reply_form": reply_form or ReplyForm(),
            "move_form": MoveForm(),
            "report_form": ReportForm(),
            "broker_form": BrokerForm(
                brokers=selectors.broker_choices() if detail.may_assign_broker else [],
                initial={"broker": enquiry.broker_id},  # type: ignore[attr-defined]
            ),
            "move_labels": {name: MOVES[name].label for name in detail.moves},
            "history": history_for(enquiry)[:30],
            "track": [(v, label) for v, label in Stage.choices if v not in ("declined", "closed")],
        },
        status=status,
    )


@login_required
def enquiry_detail(request: JieliRequest, pk: int) -> HttpResponse:
    return _thread(request, pk)


@login_required
@require_POST
def enquiry_reply(request: JieliRequest, pk: int) -> HttpResponse:
    selectors.enquiry_get(request.viewer, pk)  # 404 before reading the form
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.enquiry_reply(
                viewer=request.viewer,
                pk=pk,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Message posted."))
            return redirect("enquiries:detail", pk=pk)
    return _thread(request, pk, reply_form=form, status=400)


@login_required
@require_POST
def enquiry_move(request: JieliRequest, pk: int) -> HttpResponse:
    selectors.enquiry_get(request.viewer, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("enquiries:detail", pk=pk)
    action = form.cleaned_data["action"]
    try:
        services.enquiry_move(
            viewer=request.viewer, pk=pk, action=action, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, DONE[action])
    return redirect("enquiries:detail", pk=pk)


@login_required
@require_POST
def enquiry_block(request: JieliRequest, pk: int) -> HttpResponse:
    try:
        services.enquiry_block_sender(viewer=request.viewer, pk=pk)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("The sender is blocked: their new enquiries are refused."))
    return redirect("enquiries:detail", pk=pk)


@login_required
@require_POST
def enquiry_report(request: JieliRequest, pk: int) -> HttpResponse:
    selectors.enquiry_get(request.viewer, pk)
    form = ReportForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(fields={k: list(v) for k, v in form.errors.items()})
        services.enquiry_report(viewer=request.viewer, pk=pk, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("Thank you; the secretariat will look at this thread."))
    return redirect("enquiries:detail", pk=pk)


@login_required
@require_POST
def enquiry_broker(request: JieliRequest, pk: int) -> HttpResponse:
    selectors.enquiry_get(request.viewer, pk)
    form = BrokerForm(request.POST, brokers=selectors.broker_choices())
    try:
        if not form.is_valid():
            raise InvalidInput(fields={k: list(v) for k, v in form.errors.items()})
        services.enquiry_assign_broker(
            viewer=request.viewer, pk=pk, broker_id=form.cleaned_data["broker"]
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("Broker saved."))
    return redirect("enquiries:detail", pk=pk)


@login_required
def attachment_download(request: JieliRequest, pk: int, file_id: int) -> HttpResponseBase:
    enquiry = selectors.enquiry_get(request.viewer, pk)
    attachment = EnquiryAttachment.objects.filter(pk=file_id, message__enquiry=enquiry).first()
    if attachment is None:
        raise NotFound()
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound() from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


# --- the secretariat ----------------------------------------------------------------------


@login_required
def dropped_batons(request: JieliRequest) -> HttpResponse:
    qs = selectors.dropped_batons(request.viewer)
    return render(request, "enquiries/dropped.html", {"page": page_of(request, qs)})


@login_required
def reports(request: JieliRequest) -> HttpResponse:
    qs = selectors.enquiry_reports(request.viewer)
    return render(request, "enquiries/reports.html", {"page": page_of(request, qs)})


@login_required
def brokers(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    form = BrokerRegisterForm(request.POST or None, people=selectors.broker_candidates(viewer))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                broker_services.broker_register(viewer=viewer, user_id=form.cleaned_data["user"])
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Broker registered."))
                return redirect("enquiries:brokers")
    qs = selectors.brokers_active().order_by("user__username")
    return render(
        request,
        "enquiries/brokers.html",
        {"page": page_of(request, qs), "form": form},
        status=status,
    )


# --- brokers --------------------------------------------------------------------------------


@login_required
def workspace(request: JieliRequest) -> HttpResponse:
    leads, introductions = selectors.broker_leads(request.viewer)
    return render(
        request,
        "enquiries/workspace.html",
        {
            "page": page_of(request, leads),
            "intro_page": page_of(request, introductions, param="ipage"),
        },
    )


@login_required
def listing_broker(request: JieliRequest, kind: str, pk: int) -> HttpResponse:
    viewer = request.viewer
    if kind not in broker_services.INTRODUCTION_KINDS:
        raise NotFound()
    listing = registry.get_kind(kind).visible(viewer).filter(pk=pk).first()
    if listing is None:
        raise NotFound()
    form = BrokerForm(request.POST or None, brokers=selectors.broker_choices())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                broker_services.listing_broker_assign(
                    viewer=viewer, kind=kind, listing_id=pk, broker_id=form.cleaned_data["broker"]
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Broker saved."))
                return redirect(selectors.target_url(kind, pk))
    return render(
        request,
        "enquiries/listing_broker.html",
        {"form": form, "listing": listing, "target_url": selectors.target_url(kind, pk)},
        status=status,
    )


@login_required
def introduce(request: JieliRequest, kind: str, pk: int) -> HttpResponse:
    viewer = request.viewer
    if selectors.broker_for(viewer) is None or kind not in broker_services.INTRODUCTION_KINDS:
        raise NotFound()
    listing = registry.get_kind(kind).visible(viewer).filter(pk=pk).first()
    if listing is None:
        raise NotFound()
    organisations = [
        (o.pk, o.display_name)
        for o in visible_organisations(viewer).exclude(pk=listing.owner_id).order_by("name")[:500]
    ]
    party = request.POST.get("party_a") or request.GET.get("party_a") or ""
    links = (
        selectors.own_link_choices(viewer, organisation_id=int(party)) if party.isdigit() else []
    )
    form = IntroductionForm(
        request.POST or None,
        organisations=organisations,
        links=links,
        initial={"party_a": party} if party else None,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                intro = broker_services.introduction_propose(
                    viewer=viewer, target_kind=kind, target_id=pk, **form.service_data()
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(
                    request, _("Introduction proposed; both sides are asked to consent.")
                )
                return redirect("enquiries:introduction", pk=intro.pk)
    return render(
        request,
        "enquiries/introduce.html",
        {"form": form, "listing": listing, "target_url": selectors.target_url(kind, pk)},
        status=status,
    )


@login_required
def introduction_detail(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    intro = selectors.introduction_get(viewer, pk)
    pending = intro.status == intro.Status.PROPOSED and (
        (viewer.belongs_to(intro.party_a_id) and intro.a_consent_by_id is None)  # type: ignore[attr-defined]
        or (viewer.belongs_to(intro.party_b_id) and intro.b_consent_by_id is None)  # type: ignore[attr-defined]
    )
    enquiry = getattr(intro, "enquiry", None)
    return render(
        request,
        "enquiries/introduction.html",
        {
            "intro": intro,
            "may_answer": pending,
            "enquiry": enquiry,
            "target_url": selectors.target_url(intro.target_kind, intro.target_id),
            "link_url": selectors.target_url(intro.link_kind, intro.link_id),
        },
    )


@login_required
@require_POST
def introduction_respond(request: JieliRequest, pk: int) -> HttpResponse:
    try:
        intro = broker_services.introduction_respond(
            viewer=request.viewer, pk=pk, consent=request.POST.get("consent") == "yes"
        )
    except ServiceError as exc:
        message_service_error(request, exc)
        return redirect("enquiries:introduction", pk=pk)
    enquiry = getattr(intro, "enquiry", None)
    if enquiry is not None:
        messages.success(request, _("Both sides consented: the enquiry is open."))
        return redirect("enquiries:detail", pk=enquiry.pk)
    messages.success(request, _("Your answer was recorded."))
    return redirect("enquiries:introduction", pk=pk)
