"""Pages: my shortlists, a shortlist (paginated, exportable), the Save control of a listing's
detail page (htmx), saved searches and match subscriptions. Thin: parse, call, render."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieli.core.errors import ServiceError
from jieli.core.forms import apply_service_error, safe_next
from jieli.core.http import JieliRequest, message_service_error
from jieli.core.pagination import page_of
from jieli.core.security import page_rate_limit
from jieli.imports.converters import neutralise
from jieli.imports.exports import EXPORT_FORMATS, csv_chunks, write_xlsx
from jieli.watchlists import selectors, services
from jieli.watchlists.forms import SaveForm, SearchForm, ShortlistForm

PAGE = 20


def _htmx(request: JieliRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def shortlists(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    form = ShortlistForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                shortlist = services.shortlist_create(viewer=viewer, name=form.cleaned_data["name"])
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                return redirect("watchlists:shortlist", pk=shortlist.pk)
        status = 400
    page = page_of(request, selectors.shortlists_with_counts(viewer), size=PAGE)
    return render(
        request, "watchlists/shortlists.html", {"page": page, "form": form}, status=status
    )


@login_required
def shortlist(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    found = selectors.shortlist_get(viewer, pk)
    items = selectors.shortlist_items(viewer, found)
    page = page_of(request, items, size=PAGE)
    return render(
        request,
        "watchlists/shortlist.html",
        {
            "shortlist": found,
            "page": page,
            "shown": selectors.with_listings(viewer, page.object_list),
            "rename_form": ShortlistForm(initial={"name": found.name}),
        },
    )


@login_required
@require_POST
def shortlist_rename(request: JieliRequest, pk: int) -> HttpResponse:
    try:
        services.shortlist_rename(
            viewer=request.viewer, shortlist_id=pk, name=request.POST.get("name")
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("watchlists:shortlist", pk=pk)


@login_required
@require_POST
def shortlist_delete(request: JieliRequest, pk: int) -> HttpResponse:
    services.shortlist_delete(viewer=request.viewer, shortlist_id=pk)
    messages.success(request, _("Shortlist deleted."))
    return redirect("watchlists:shortlists")


@login_required
@require_POST
def item_note(request: JieliRequest, pk: int) -> HttpResponse:
    try:
        item = services.shortlist_item_note(
            viewer=request.viewer, item_id=pk, note=request.POST.get("note", "")
        )
    except ServiceError as exc:
        message_service_error(request, exc)
        return redirect(safe_next(request, reverse("watchlists:shortlists")))
    messages.success(request, _("Note saved."))
    return redirect(safe_next(request, reverse("watchlists:shortlist", args=[item.shortlist_id])))


@login_required
@require_POST
def item_remove(request: JieliRequest, pk: int) -> HttpResponse:
    services.shortlist_item_remove(viewer=request.viewer, item_id=pk)
    messages.success(request, _("Removed from the shortlist."))
    return redirect(safe_next(request, reverse("watchlists:shortlists")))


@login_required
@page_rate_limit("export")
def shortlist_export(request: JieliRequest, pk: int) -> HttpResponseBase:
    """The shortlist as CSV or XLSX, by the imports app's writers: only what the viewer may
    see now, every cell neutralised against formula injection."""
    viewer = request.viewer
    found = selectors.shortlist_get(viewer, pk)
    fmt = request.GET.get("format", "csv") or "csv"
    if fmt not in EXPORT_FORMATS:
        return HttpResponse(
            _("Choose one of: {options}.").format(options=", ".join(EXPORT_FORMATS)),
            status=400,
            content_type="text/plain",
        )
    headers, raw = selectors.export_rows(viewer, found)
    rows = [[neutralise("" if v is None else str(v)) for v in row] for row in raw]
    headers = [neutralise(h) for h in headers]
    name = f"jieli-shortlist-{found.pk}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "xlsx":
        tmp = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response
        write_xlsx(tmp, headers, rows)
        tmp.seek(0)
        return FileResponse(
            tmp,
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(
        csv_chunks(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _save_context(request: JieliRequest, kind: str, pk: int) -> dict[str, object]:
    viewer = request.viewer
    listing = selectors.listing_get(viewer, kind, pk)
    shortlists = list(selectors.visible_shortlists(viewer))
    return {
        "kind": kind,
        "listing": listing,
        "saved_in": selectors.saved_in(viewer, kind, pk),
        "shortlists": shortlists,
        "has_default": any(s.is_default for s in shortlists),
        "following": selectors.subscribed_to(viewer, kind, pk),
        "may_follow": kind in ("achievement", "demand"),
    }


@login_required
def save(request: JieliRequest, kind: str, pk: int) -> HttpResponse:
    """A listing's Save control: GET shows it (htmx loads it into the detail page), POST saves
    the listing to a shortlist. Hidden listing: 404, as everywhere."""
    viewer = request.viewer
    status, error, saved = 200, "", False
    if request.method == "POST":
        form = SaveForm(request.POST)
        if form.is_valid():
            try:
                services.shortlist_item_add(
                    viewer=viewer,
                    kind=kind,
                    object_id=pk,
                    shortlist_id=form.cleaned_data["shortlist"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as exc:
                if exc.status in (401, 403, 404):
                    raise
                status, error = exc.status, exc.message
            else:
                if not _htmx(request):
                    messages.success(request, _("Saved to the shortlist."))
                    return redirect(safe_next(request, reverse("watchlists:shortlists")))
                saved = True
        else:
            status = 400
            error = " ".join(str(m) for msgs in form.errors.values() for m in msgs)
    context = {**_save_context(request, kind, pk), "error": error, "saved": saved}
    template = "watchlists/_save.html" if _htmx(request) else "watchlists/save.html"
    return render(request, template, context, status=status)


@login_required
def subscriptions(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    page = page_of(request, selectors.visible_subscriptions(viewer), size=PAGE)
    return render(request, "watchlists/subscriptions.html", {"page": page})


@login_required
@require_POST
def search_save(request: JieliRequest) -> HttpResponse:
    """ "Save this search" on the search page: the page's query and filters, checked by the
    search form; refused with the reasons when they are not valid (nothing saved)."""
    form = SearchForm(request.POST)
    try:
        services.saved_search_create(viewer=request.viewer, data=request.POST.dict())
    except ServiceError as exc:
        if exc.status in (401, 403, 404):
            raise
        form.is_valid()
        return render(
            request,
            "watchlists/search_refused.html",
            {"form": form, "error": exc.message},
            status=exc.status,
        )
    messages.success(request, _("Search saved. You will be told when a new listing fits it."))
    return redirect("watchlists:subscriptions")


@login_required
@require_POST
def follow(request: JieliRequest, kind: str, pk: int) -> HttpResponse:
    try:
        services.match_subscription_create(viewer=request.viewer, kind=kind, object_id=pk)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("You will be told when a new listing matches."))
    return redirect(safe_next(request, reverse("watchlists:subscriptions")))


@login_required
@require_POST
def subscription_toggle(request: JieliRequest, pk: int) -> HttpResponse:
    services.subscription_set_active(
        viewer=request.viewer, subscription_id=pk, active=request.POST.get("active") == "1"
    )
    return redirect("watchlists:subscriptions")


@login_required
@require_POST
def subscription_delete(request: JieliRequest, pk: int) -> HttpResponse:
    services.subscription_delete(viewer=request.viewer, subscription_id=pk)
    messages.success(request, _("Deleted."))
    return redirect("watchlists:subscriptions")
