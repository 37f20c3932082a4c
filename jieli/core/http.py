"""Pages: the typed request every view receives, and the one error boundary for service errors.

``ViewerMiddleware`` puts the ``Viewer`` on every request; views annotate their argument as
``JieliRequest`` so the type checker knows it is there. A ``ServiceError`` a view does not
handle itself (a form shows field errors in place) reaches ``ServiceErrorMiddleware``, which
answers every page the same way: 404 page for hidden or missing records (never revealing
which), the sign-in page for anonymous users, a 403 page with the reason, and 400/409 with the
message. The JSON API has its own boundary (``core.api``) with the same codes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from jieli.core.errors import NotAuthenticated, ServiceError
from jieli.core.viewer import Viewer


class JieliRequest(HttpRequest):
    """An ``HttpRequest`` that has passed ``ViewerMiddleware``."""

    viewer: Viewer


MAX_ID = 2**63 - 1  # the largest id a BigAutoField holds (SQLite and PostgreSQL)


def parse_id(value: object) -> int | None:
    """A record id from a form or URL value, or None: ASCII digits only ("²".isdigit() is true)
    and within a database integer, so a strange value is a clear refusal, never a 500."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def service_error_response(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    """The page (or, for JSON callers, the API error shape) for a service error."""
    if wants_json(request):
        return JsonResponse(
            {"code": exc.code, "message": exc.message, "fields": exc.fields}, status=exc.status
        )
    if isinstance(exc, NotAuthenticated):
        return redirect_to_login(request.get_full_path())
    if exc.status == 404:
        return render(request, "404.html", status=404)
    if exc.status == 403:
        return render(request, "403.html", {"message": exc.message}, status=403)
    errors = [exc.message, *(m for ms in exc.fields.values() for m in ms)]
    return render(request, "400.html", {"errors": errors}, status=exc.status)


def message_service_error(request: HttpRequest, exc: ServiceError) -> None:
    """For a view that redirects after a POST: put an input error in the flash messages.

    Errors that are not about the input are raised again for the boundary to answer.
    """
    if exc.status in (401, 403, 404):
        raise exc
    details = [m for msgs in exc.fields.values() for m in msgs]
    messages.error(request, " ".join([exc.message, *details]))


class ServiceErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, ServiceError):
            return service_error_response(request, exc)
        return None
