"""The one page helper for list pages: a Django ``Page`` of ``items`` for the request's page
number (``?page=``, or another parameter when a page has two lists). A missing, non-numeric
or out-of-range number gives the first or the last page, never an error."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 20


def page_of(
    request: HttpRequest, items: Any, *, size: int = PAGE_SIZE, param: str = "page"
) -> Page[Any]:
    return Paginator(items, size).get_page(request.GET.get(param))
