"""The page error boundary answers every service error the same way, whatever the view."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.http import ServiceErrorMiddleware
from jieli.core.viewer import ANONYMOUS

pytestmark = pytest.mark.django_db


def _answer(exc, **headers):
    request = RequestFactory().get("/some/page/?x=1", **headers)
    request.viewer = ANONYMOUS
    request.user = AnonymousUser()
    request.session = {}
    request._messages = []

    def view(_request):
        raise exc

    middleware = ServiceErrorMiddleware(view)
    try:
        return middleware(request)
    except Exception as raised:  # the handler chain would call process_exception
        return middleware.process_exception(request, raised)


def test_not_found_is_the_404_page_without_the_reason():
    response = _answer(NotFound("secret title"))
    assert response.status_code == 404
    assert "secret title" not in response.content.decode()


def test_permission_denied_is_the_403_page_with_the_reason():
    response = _answer(PermissionDenied("Only the owner may do this."))
    assert response.status_code == 403
    assert "Only the owner may do this." in response.content.decode()


def test_anonymous_is_sent_to_sign_in_and_back():
    response = _answer(NotAuthenticated())
    assert response.status_code == 302
    assert "next=/some/page/%3Fx%3D1" in response["Location"]


@pytest.mark.parametrize(
    ("exc", "status"), [(InvalidInput(fields={"title": ["Too long."]}), 400), (Conflict(), 409)]
)
def test_input_errors_show_every_message(exc, status):
    response = _answer(exc)
    assert response.status_code == status
    if exc.fields:
        assert "Too long." in response.content.decode()


def test_json_callers_get_the_api_error_shape():
    response = _answer(
        InvalidInput(fields={"title": ["Too long."]}), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["code"] == "invalid" and body["fields"] == {"title": ["Too long."]}


def test_other_exceptions_are_left_to_django():
    assert ServiceErrorMiddleware(lambda r: None).process_exception(None, ValueError()) is None
