"""The header's notification bell with the viewer's unread count (one indexed count query)."""

from __future__ import annotations

from typing import Any

from django import template

from jieli.core.viewer import request_viewer
from jieli.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    viewer = request_viewer(context.get("request"))
    return {"unread": unread_count(viewer) if viewer.is_authenticated else 0}
