from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from jieli.core import registry
from jieli.core.viewer import ANONYMOUS, Viewer


def viewer_for_user(user) -> Viewer:  # type: ignore[no-untyped-def]
    """Build the viewer through the factory the organisations app registers (it knows roles)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return registry.viewer_factory()(user)


class ViewerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer = SimpleLazyObject(lambda: viewer_for_user(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
