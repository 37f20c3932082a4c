from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from jieli.core.errors import InvalidInput, ServiceError
from jieli.core.forms import apply_service_error, safe_next
from jieli.core.http import JieliRequest
from jieli.core.pagination import page_of
from jieli.notifications import selectors, services
from jieli.notifications.forms import PreferencesForm
from jieli.notifications.tokens import unsubscribe_read

PAGE_SIZE = 20


@login_required
def notification_list(request: JieliRequest) -> HttpResponse:
    qs = selectors.visible_notifications(request.viewer)
    page = page_of(request, qs, size=PAGE_SIZE)
    rows = [(n, selectors.render(n)) for n in page.object_list]
    return render(
        request,
        "notifications/list.html",
        {"page": page, "rows": rows, "unread": selectors.unread_count(request.viewer)},
    )


@login_required
@require_POST
def notification_read(request: JieliRequest, pk: int) -> HttpResponse:
    """Mark one read, then open what it is about (or go back to the list)."""
    notification = services.notification_mark_read(viewer=request.viewer, notification_id=pk)
    if request.POST.get("open"):
        url = selectors.render(notification).url
        if url and url.startswith("/") and not url.startswith("//"):
            return redirect(url)
    return redirect(safe_next(request, "notifications:list"))


@login_required
@require_POST
def notification_read_all(request: JieliRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(viewer=request.viewer)
    messages.success(request, _("{n} marked read.").format(n=count))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    rows = selectors.email_preferences(viewer)
    language = selectors.user_language(viewer.user_id or 0)
    form = PreferencesForm(request.POST or None, rows=rows, initial={"language": language})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.notification_language_set(
                        viewer=viewer, language=form.cleaned_data["language"]
                    )
                    shown = {row.key: row.email for row in rows}
                    for kind, email in form.chosen().items():
                        if email == shown.get(kind):
                            continue
                        services.notification_preference_set(viewer=viewer, kind=kind, email=email)
            except ServiceError as exc:
                apply_service_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notifications:preferences")
        else:
            status = 400
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


@csrf_exempt  # the signed token is the credential; mail clients POST without a session (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: JieliRequest, token: str) -> HttpResponse:
    """GET: confirm; POST: unsubscribe. Works without sign-in; a bad token changes nothing."""
    try:
        if request.method == "POST":
            stopped = services.notification_unsubscribe(token=token)
            return render(request, "notifications/unsubscribed.html", {"stopped": stopped})
        item = unsubscribe_read(token)
    except InvalidInput as exc:
        return render(
            request, "notifications/unsubscribe_invalid.html", {"message": exc.message}, status=400
        )
    return render(request, "notifications/unsubscribe.html", {"item": item, "token": token})
