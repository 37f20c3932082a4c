"""Pages every visitor's browser loads whatever the flow: the API docs and the favicon."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.allow_page_errors
def test_api_docs_render_swagger_ui_from_the_platforms_own_files(open_as):
    page = open_as(None, "zh-hans")
    page.goto("/api/docs")
    # Nothing from a CDN: the platform must work on an intranet.
    assert open_as.problems(page) == []
    expect(page.get_by_role("heading", name=re.compile("Jieli API"))).to_be_visible()
    operation = page.get_by_role("button", name=re.compile(r"GET.*achievements", re.S))
    expect(operation.first).to_be_visible()
    assert open_as.problems(page) == []


def test_favicon_is_served(open_as):
    page = open_as(None, "zh-hans")
    declared = page.locator("link[rel~=icon]")
    href = declared.first.get_attribute("href") if declared.count() else "/favicon.ico"
    response = page.request.get(href)
    assert response.status == 200, f"{href}: {response.status}"
    assert response.headers["content-type"].startswith("image/")
