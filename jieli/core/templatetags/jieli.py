from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagers and facet links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def elided_pages(page) -> list:
    """Page numbers around the current one, with ``…`` gaps, for compact numbered pagers."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page") -> str:
    """The current query string pointing at page ``number`` of the pager named ``param``
    (pages that show two paginated lists use two parameters)."""
    query = context["request"].GET.copy()
    query[param or "page"] = number
    return query.urlencode()
