from __future__ import annotations

from django import template
from django.utils.html import format_html

from jieli.core.money import format_wan, format_wan_range

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagers and facet links);
    ``None`` removes a parameter (``page=None``: a new filter starts at its first page)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def wan(value):
    """A price stored in 万元, in the page's language: "40 万元" / "CNY 400,000"."""
    return format_wan(value)


@register.simple_tag
def wan_range(low, high) -> str:
    """A budget range stored in 万元: "40–90 万元" / "CNY 400,000–900,000"."""
    return format_wan_range(low, high)


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


@register.simple_tag
def results_swap(results_id: str, *, scroll: bool = False) -> str:
    """htmx attributes for a filter form or a pager that replaces only the container with id
    ``results_id`` from the full page the server answers (the same page as without JavaScript,
    so one template serves both and no response varies on ``HX-Request``), and pushes the new
    URL so links, reloads and the back button keep working. ``scroll``: show the new results
    from their top (pagers sit at the bottom of the list they replace)."""
    return format_html(
        'hx-target="#{0}" hx-select="#{0}" hx-swap="outerHTML{1}" hx-indicator="#{0}" '
        'hx-push-url="true"',
        results_id,
        " show:top" if scroll else "",
    )


@register.simple_tag(takes_context=True)
def listing_actions(context, kind: str, record) -> list:
    """The actions other apps offer on this record for the current viewer, as (label, url)
    pairs (``core.registry.listing_actions``), e.g. "Enquire"."""
    from jieli.core.registry import listing_actions as actions
    from jieli.core.viewer import request_viewer

    return actions(request_viewer(context.get("request")), kind, record)


@register.simple_tag(takes_context=True)
def listing_summaries(context, kind: str, record) -> list:
    """Summaries other apps show on this record's page for the current viewer
    (``core.registry.listing_summaries``), e.g. the latest issued evaluation."""
    from jieli.core.registry import listing_summaries as summaries
    from jieli.core.viewer import request_viewer

    return summaries(request_viewer(context.get("request")), kind, record)
