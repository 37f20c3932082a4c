from __future__ import annotations

from django import template

from jieli.core.money import format_wan, format_wan_range

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagers and facet links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
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
