"""The OpenAPI document describes what the API really does."""

from __future__ import annotations

import inspect
from collections import defaultdict
from importlib import import_module

import pytest
from ninja import Schema

from jieli.api import ROUTERS, api


def test_no_two_schemas_share_a_name():
    """django-ninja names components after the class: two classes with one name silently share
    one schema in the document (e.g. a region object documented as the code list's entry, the
    organisation decision documented with the duplicate-case decision's fields)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for _prefix, module_name in ROUTERS:
        module = import_module(module_name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Schema) and obj.__module__ == module_name:
                seen[name].add(module_name)
    shared = {name: mods for name, mods in seen.items() if len(mods) > 1}
    assert not shared


def test_every_operation_documents_its_errors_in_the_error_shape():
    schema = api.get_openapi_schema()
    missing = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            codes = {str(c) for c in op["responses"]}
            needed = {"400"} | ({"404"} if "{" in path else set())
            needed |= {"401"} if method != "get" or "tokens" in path else set()
            if not needed <= codes:
                missing.append((method, path, sorted(needed - codes)))
            for code in codes & {"400", "401", "403", "404", "409", "429"}:
                response = {str(c): v for c, v in op["responses"].items()}[code]
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), (method, path, code)
    assert not missing


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/achievements?owner=99999999999999999999999",
        "/api/v1/demands?owner=99999999999999999999999",
        "/api/v1/achievements?page=0",
        "/api/v1/achievements?page_size=100000",
        "/api/v1/matching/search?q=x&k=100000",
    ],
)
def test_out_of_range_numbers_are_400_in_the_error_shape(client, url):
    r = client.get(url)
    assert r.status_code == 400
    assert r.json()["code"] == "invalid" and r.json()["fields"]


@pytest.mark.django_db
def test_huge_path_ids_are_404_not_500(client):
    r = client.get("/api/v1/achievements/99999999999999999999999")
    assert r.status_code in (400, 404) and r.json()["code"] in ("invalid", "not_found")
    r = client.get("/api/v1/imports/abc")
    assert r.status_code in (400, 401) and r["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_malformed_multipart_is_400_not_500(client):
    from jieli.organisations.tests.factories import UserFactory

    client.force_login(UserFactory())
    r = client.generic(
        "POST", "/api/v1/imports", b"--x\r\nnonsense", content_type="multipart/form-data"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid"
