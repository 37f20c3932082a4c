"""The portfolio export: a bad filter answers like every other refusal (the translated
message and the core error shape, not raw field names), and the number of queries does not
grow with the number of projects (CSV and XLSX)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jieli.core.tests.matrix import client_for
from jieli.pipeline.tests.factories import open_project

pytestmark = pytest.mark.django_db


def test_a_bad_filter_answers_with_the_core_error_shape(world, project):
    client = client_for(world.roles.secretariat)
    url = "/pipeline/export/?format=csv&stage=nonsense"
    body = client.get(url, HTTP_ACCEPT="application/json")
    assert body.status_code == 400
    error = body.json()
    assert error["code"] == "invalid"
    assert error["message"] == "部分字段无效。"
    assert list(error["fields"]) == ["stage"] and error["fields"]["stage"][0]
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert "部分字段无效。" in text and "stage:" not in text
    # An unknown region code is refused by the selector, answered the same way.
    region = client.get(
        "/pipeline/export/?format=csv&region=999999", HTTP_ACCEPT="application/json"
    )
    assert region.status_code == 400 and "region" in region.json()["fields"]


def _export_queries(client, fmt: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/pipeline/export/?format={fmt}")
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
    return len(ctx.captured_queries), content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_the_projects(world, project, fmt):
    client = client_for(world.roles.secretariat)
    few, _content = _export_queries(client, fmt)
    for i in range(5):
        open_project(world, title=f"交钥匙工程 {i}")
    many, content = _export_queries(client, fmt)
    if fmt == "csv":
        assert content.decode().count("交钥匙工程") == 6
    assert many == few, (few, many)
