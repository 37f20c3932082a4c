"""Reads of shortlists and subscriptions; the one visibility rule of this app.

A shortlist and a subscription are their owner's alone: for anyone else they do not exist
(404, whatever the role). A shortlist's items are listings, and each is shown only if the
viewer may see it now, through the owning app's selector (``core.registry``): an item whose
listing has since become hidden is left out of the page, the count and the export.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from jieli.core import registry
from jieli.core.errors import NotFound
from jieli.core.viewer import Viewer
from jieli.watchlists.models import ItemKind, Shortlist, ShortlistItem, Subscription


def visible_shortlists(viewer: Viewer) -> QuerySet[Shortlist]:
    """The viewer's own shortlists (none for an anonymous visitor)."""
    if viewer.user_id is None:
        return Shortlist.objects.none()
    return Shortlist.objects.filter(owner_id=viewer.user_id)


def shortlist_get(viewer: Viewer, pk: int) -> Shortlist:
    found = visible_shortlists(viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def visible_subscriptions(viewer: Viewer) -> QuerySet[Subscription]:
    if viewer.user_id is None:
        return Subscription.objects.none()
    return Subscription.objects.filter(owner_id=viewer.user_id)


def subscription_get(viewer: Viewer, pk: int) -> Subscription:
    found = visible_subscriptions(viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def listing_get(viewer: Viewer, kind: str, pk: int) -> Any:
    """A listing the viewer may see, by the owning app's selector; NotFound otherwise."""
    if kind not in ItemKind.values:
        raise NotFound()
    found = registry.visible(viewer, kind).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _visible_ids(viewer: Viewer, wanted: dict[str, set[int]]) -> dict[str, set[int]]:
    return {
        kind: set(registry.visible(viewer, kind).filter(pk__in=ids).values_list("pk", flat=True))
        for kind, ids in wanted.items()
        if kind in ItemKind.values
    }


def shortlist_items(viewer: Viewer, shortlist: Shortlist) -> QuerySet[ShortlistItem]:
    """The shortlist's items whose listing the viewer may see now, newest first."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for kind, object_id in shortlist.items.values_list("kind", "object_id"):
        wanted[kind].add(object_id)
    seen = _visible_ids(viewer, wanted)
    q = Q(pk__in=[])
    for kind, ids in seen.items():
        if ids:
            q |= Q(kind=kind, object_id__in=ids)
    return shortlist.items.filter(q)


@dataclass
class ShownItem:
    item: ShortlistItem
    listing: Any
    kind_label: str
    title: str
    url: str


def with_listings(viewer: Viewer, items: Any) -> list[ShownItem]:
    """Items (already filtered by ``shortlist_items``) with their listings, for a page."""
    from django.urls import reverse

    items = list(items)
    by_kind: dict[str, set[int]] = defaultdict(set)
    for item in items:
        by_kind[item.kind].add(item.object_id)
    objects = {
        (kind, obj.pk): obj
        for kind, ids in by_kind.items()
        for obj in registry.visible(viewer, kind).filter(pk__in=ids)
    }
    shown = []
    for item in items:
        obj = objects.get((item.kind, item.object_id))
        if obj is None:  # hidden between the two reads
            continue
        spec = registry.get_kind(item.kind)
        shown.append(
            ShownItem(
                item=item,
                listing=obj,
                kind_label=spec.label,
                title=str(getattr(obj, spec.title_field)),
                url=reverse(spec.detail_url, kwargs={"pk": obj.pk}),
            )
        )
    return shown


def shortlists_with_counts(viewer: Viewer) -> QuerySet[Shortlist]:
    """The viewer's shortlists with the number of items stored (hidden ones included: the
    count on a shortlist's own page is the visible one)."""
    return (
        visible_shortlists(viewer)
        .annotate(item_count=Count("items"))
        .order_by("-is_default", "name", "id")
    )


def saved_in(viewer: Viewer, kind: str, object_id: int) -> list[Shortlist]:
    """The viewer's shortlists that hold this listing (the detail page's Save control)."""
    return list(visible_shortlists(viewer).filter(items__kind=kind, items__object_id=object_id))


def subscribed_to(viewer: Viewer, kind: str, object_id: int) -> Subscription | None:
    return (
        visible_subscriptions(viewer)
        .filter(type="matches", source_kind=kind, source_id=object_id)
        .first()
    )


def export_rows(viewer: Viewer, shortlist: Shortlist) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of a shortlist's export, in the viewer's language; only what the
    viewer may see now (the same items as the page)."""
    from django.utils.translation import gettext as _

    headers = [_("Kind"), "ID", _("Title"), _("Note"), _("Saved at"), _("Link")]
    rows = []
    for shown in with_listings(viewer, shortlist_items(viewer, shortlist).order_by("created_at")):
        rows.append(
            [
                shown.kind_label,
                shown.listing.pk,
                shown.title,
                shown.item.note,
                shown.item.created_at.strftime("%Y-%m-%d %H:%M"),
                shown.url,
            ]
        )
    return headers, rows
