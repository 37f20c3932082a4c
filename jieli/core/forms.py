from __future__ import annotations

from django import forms

from jieli.core.errors import ServiceError


def apply_service_error(form: forms.Form, exc: ServiceError) -> None:
    """Show a service's error on the form: field errors on their fields, the rest on top.

    Errors that are not about the input (sign in, not allowed, not found) are raised again for
    the page error boundary (``core.http.ServiceErrorMiddleware``) to answer.
    """
    if exc.status in (401, 403, 404):
        raise exc
    placed = False
    for name, messages in exc.fields.items():
        for message in messages:
            if name in form.fields:
                form.add_error(name, message)
                placed = True
            else:
                form.add_error(None, message)
                placed = True
    if not placed:
        form.add_error(None, exc.message)


def safe_next(request, default: str) -> str:  # type: ignore[no-untyped-def]
    """The ``next`` address posted with a form, if it stays on this site; else ``default``."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
