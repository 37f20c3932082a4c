"""/api/v1/watch: shortlists and their items, saved searches and match subscriptions.

Everything is the signed-in user's own: another user's shortlist or subscription is a 404.
Bodies are strict closed objects (decision 0006): outside the schema 400, refused by a rule
422 (a search without meaningful terms, an unknown code), hidden listing 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jieli.core.api import (
    ERRORS,
    REQUIRED_AUTH,
    Id,
    InputSchema,
    Page,
    PageQuery,
    paginate,
    viewer_of,
)
from jieli.watchlists import selectors, services
from jieli.watchlists.models import Shortlist, Subscription

router = Router(tags=["watch"], auth=REQUIRED_AUTH)

ListingKindName = Literal["achievement", "demand", "expert"]
AlertKindName = Literal["achievement", "demand"]


class ShortlistOut(Schema):
    id: int
    name: str
    is_default: bool
    created_at: datetime

    @staticmethod
    def of(s: Shortlist) -> ShortlistOut:
        return ShortlistOut(id=s.pk, name=s.name, is_default=s.is_default, created_at=s.created_at)


class ShortlistPage(Page):
    results: list[ShortlistOut]


class ShortlistIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)


class ItemOut(Schema):
    id: int
    kind: str
    listing_id: int
    title: str
    url: str
    note: str
    created_at: datetime

    @staticmethod
    def of(shown: selectors.ShownItem) -> ItemOut:
        item = shown.item
        return ItemOut(
            id=item.pk,
            kind=item.kind,
            listing_id=item.object_id,
            title=shown.title,
            url=shown.url,
            note=item.note,
            created_at=item.created_at,
        )


class ItemPage(Page):
    results: list[ItemOut]


class ItemIn(InputSchema):
    kind: ListingKindName
    listing_id: Id
    note: str = Field("", max_length=1000)


class NoteIn(InputSchema):
    note: str = Field("", max_length=1000)


class SavedSearchIn(InputSchema):
    q: str = Field(min_length=1, max_length=200)
    kind: Literal["", "achievement", "demand"] = ""
    industry: str = Field("", max_length=8)
    region: str = Field("", max_length=12)
    name: str = Field("", max_length=100)


class FollowIn(InputSchema):
    kind: AlertKindName
    listing_id: Id


class ActiveIn(InputSchema):
    is_active: bool


class SubscriptionOut(Schema):
    id: int
    type: str
    name: str
    q: str
    kind: str
    industry: str
    region: str
    source_kind: str
    source_id: int | None
    is_active: bool
    created_at: datetime

    @staticmethod
    def of(s: Subscription) -> SubscriptionOut:
        return SubscriptionOut(
            id=s.pk,
            type=s.type,
            name=s.name,
            q=s.q,
            kind=s.kind,
            industry=s.industry,
            region=s.region,
            source_kind=s.source_kind,
            source_id=s.source_id,
            is_active=s.is_active,
            created_at=s.created_at,
        )


class SubscriptionPage(Page):
    results: list[SubscriptionOut]


@router.get("/shortlists", response={200: ShortlistPage, **ERRORS})
def list_shortlists(request: HttpRequest, params: Query[PageQuery]):
    page, items = paginate(
        selectors.visible_shortlists(viewer_of(request)),
        page=params.page,
        page_size=params.page_size,
    )
    return ShortlistPage(**page.dict(), results=[ShortlistOut.of(s) for s in items])


@router.post("/shortlists", response={201: ShortlistOut, **ERRORS})
def create_shortlist(request: HttpRequest, payload: ShortlistIn):
    return 201, ShortlistOut.of(
        services.shortlist_create(viewer=viewer_of(request), name=payload.name)
    )


@router.patch("/shortlists/{shortlist_id}", response={200: ShortlistOut, **ERRORS})
def rename_shortlist(request: HttpRequest, shortlist_id: Id, payload: ShortlistIn):
    return ShortlistOut.of(
        services.shortlist_rename(
            viewer=viewer_of(request), shortlist_id=shortlist_id, name=payload.name
        )
    )


@router.delete("/shortlists/{shortlist_id}", response={204: None, **ERRORS})
def delete_shortlist(request: HttpRequest, shortlist_id: Id):
    services.shortlist_delete(viewer=viewer_of(request), shortlist_id=shortlist_id)
    return 204, None


@router.get("/shortlists/{shortlist_id}/items", response={200: ItemPage, **ERRORS})
def list_items(request: HttpRequest, shortlist_id: Id, params: Query[PageQuery]):
    """The items whose listing you may see now (others drop out)."""
    viewer = viewer_of(request)
    shortlist = selectors.shortlist_get(viewer, shortlist_id)
    page, items = paginate(
        selectors.shortlist_items(viewer, shortlist), page=params.page, page_size=params.page_size
    )
    return ItemPage(
        **page.dict(), results=[ItemOut.of(s) for s in selectors.with_listings(viewer, items)]
    )


@router.post("/shortlists/{shortlist_id}/items", response={201: ItemOut, **ERRORS})
def add_item(request: HttpRequest, shortlist_id: Id, payload: ItemIn):
    viewer = viewer_of(request)
    item = services.shortlist_item_add(
        viewer=viewer,
        kind=payload.kind,
        object_id=payload.listing_id,
        shortlist_id=shortlist_id,
        note=payload.note,
    )
    return 201, ItemOut.of(selectors.with_listings(viewer, [item])[0])


@router.patch("/items/{item_id}", response={204: None, **ERRORS})
def note_item(request: HttpRequest, item_id: Id, payload: NoteIn):
    services.shortlist_item_note(viewer=viewer_of(request), item_id=item_id, note=payload.note)
    return 204, None


@router.delete("/items/{item_id}", response={204: None, **ERRORS})
def remove_item(request: HttpRequest, item_id: Id):
    services.shortlist_item_remove(viewer=viewer_of(request), item_id=item_id)
    return 204, None


@router.get("/subscriptions", response={200: SubscriptionPage, **ERRORS})
def list_subscriptions(request: HttpRequest, params: Query[PageQuery]):
    page, items = paginate(
        selectors.visible_subscriptions(viewer_of(request)),
        page=params.page,
        page_size=params.page_size,
    )
    return SubscriptionPage(**page.dict(), results=[SubscriptionOut.of(s) for s in items])


@router.post("/searches", response={201: SubscriptionOut, **ERRORS})
def save_search(request: HttpRequest, payload: SavedSearchIn):
    """Save a search: the search page's query and filters, checked by its form (422 with the
    reasons when a code is unknown or the query has nothing to search for)."""
    return 201, SubscriptionOut.of(
        services.saved_search_create(viewer=viewer_of(request), data=payload.model_dump())
    )


@router.post("/follows", response={201: SubscriptionOut, **ERRORS})
def follow(request: HttpRequest, payload: FollowIn):
    """Follow the matches of a demand or an achievement you may see."""
    return 201, SubscriptionOut.of(
        services.match_subscription_create(
            viewer=viewer_of(request), kind=payload.kind, object_id=payload.listing_id
        )
    )


@router.patch("/subscriptions/{subscription_id}", response={200: SubscriptionOut, **ERRORS})
def set_active(request: HttpRequest, subscription_id: Id, payload: ActiveIn):
    return SubscriptionOut.of(
        services.subscription_set_active(
            viewer=viewer_of(request), subscription_id=subscription_id, active=payload.is_active
        )
    )


@router.delete("/subscriptions/{subscription_id}", response={204: None, **ERRORS})
def delete_subscription(request: HttpRequest, subscription_id: Id):
    services.subscription_delete(viewer=viewer_of(request), subscription_id=subscription_id)
    return 204, None
