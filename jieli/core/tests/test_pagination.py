"""``core.pagination.page_of``: the one page helper of the list pages."""

from __future__ import annotations

from django.test import RequestFactory

from jieli.core.pagination import PAGE_SIZE, page_of


def test_page_of_reads_the_page_number_and_forgives_odd_ones():
    items = list(range(45))
    rf = RequestFactory()
    assert list(page_of(rf.get("/"), items)) == items[:PAGE_SIZE]
    assert page_of(rf.get("/?page=2"), items).number == 2
    assert page_of(rf.get("/?page=99"), items).number == 3  # the last page
    assert page_of(rf.get("/?page=abc"), items).number == 1
    assert page_of(rf.get("/?page=²"), items).number == 1
    other = page_of(rf.get("/?page=1&others=2"), items, size=30, param="others")
    assert (other.number, list(other)) == (2, items[30:])


def test_the_apps_use_the_one_helper():
    from jieli.enquiries import views as enquiries
    from jieli.events import views as events
    from jieli.pipeline import views as pipeline

    for module in (enquiries, events, pipeline):
        assert not hasattr(module, "_page"), module
