"""Writes: shortlists and their items, saved searches and match subscriptions.

Each is one short transaction with its history entry. A listing is saved or followed only if
the viewer may see it (the owning app's selector); otherwise NotFound, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from jieli.core.history import change_record, diff, snapshot
from jieli.core.viewer import Viewer
from jieli.watchlists import selectors
from jieli.watchlists.forms import SearchForm, search_form_errors
from jieli.watchlists.models import (
    AlertKind,
    Shortlist,
    ShortlistItem,
    Subscription,
    SubscriptionType,
)

MAX_NAME = 100
MAX_NOTE = 1000


def _user(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise NotAuthenticated()
    return viewer.user_id


def _clean_name(name: Any) -> str:
    name = (name if isinstance(name, str) else "").strip()
    if not name:
        raise InvalidInput(fields={"name": [_("This field is required.")]})
    if len(name) > MAX_NAME:
        raise InvalidInput(fields={"name": [_("At most {n} characters.").format(n=MAX_NAME)]})
    return name


def _clean_note(note: Any) -> str:
    note = (note if isinstance(note, str) else "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(fields={"note": [_("At most {n} characters.").format(n=MAX_NOTE)]})
    return note


def _name_taken() -> InvalidInput:
    return InvalidInput(fields={"name": [_("You already have a shortlist with this name.")]})


# --- shortlists ------------------------------------------------------------------------------


def shortlist_create(*, viewer: Viewer, name: Any, is_default: bool = False) -> Shortlist:
    user_id = _user(viewer)
    name = _clean_name(name)
    if selectors.visible_shortlists(viewer).count() >= settings.JIELI_SHORTLISTS_PER_USER:
        raise InvalidInput(
            _("You may keep at most {n} shortlists.").format(n=settings.JIELI_SHORTLISTS_PER_USER)
        )
    try:
        with transaction.atomic():
            shortlist = Shortlist.objects.create(owner_id=user_id, name=name, is_default=is_default)
            change_record(target=shortlist, actor_id=user_id, action="create")
    except IntegrityError as exc:
        raise _name_taken() from exc
    return shortlist


def default_shortlist(*, viewer: Viewer) -> Shortlist:
    """The viewer's "Favourites" shortlist, made on first use."""
    found = selectors.visible_shortlists(viewer).filter(is_default=True).first()
    if found is not None:
        return found
    try:
        return shortlist_create(viewer=viewer, name=_("Favourites"), is_default=True)
    except InvalidInput:
        # Made meanwhile by another request, or the name is taken by a plain shortlist.
        found = selectors.visible_shortlists(viewer).filter(is_default=True).first()
        if found is not None:
            return found
        raise


def shortlist_rename(*, viewer: Viewer, shortlist_id: int, name: Any) -> Shortlist:
    user_id = _user(viewer)
    name = _clean_name(name)
    try:
        with transaction.atomic():
            shortlist = (
                selectors.visible_shortlists(viewer)
                .select_for_update()
                .filter(pk=shortlist_id)
                .first()
            )
            if shortlist is None:
                raise NotFound()
            before = snapshot(shortlist, ["name"])
            shortlist.name = name
            changes = diff(before, snapshot(shortlist, ["name"]))
            if changes:
                shortlist.save(update_fields=["name", "updated_at"])
                change_record(target=shortlist, actor_id=user_id, action="update", changes=changes)
    except IntegrityError as exc:
        raise _name_taken() from exc
    return shortlist


def shortlist_delete(*, viewer: Viewer, shortlist_id: int) -> None:
    user_id = _user(viewer)
    with transaction.atomic():
        shortlist = selectors.shortlist_get(viewer, shortlist_id)
        change_record(target=shortlist, actor_id=user_id, action="delete")
        shortlist.delete()


def shortlist_item_add(
    *,
    viewer: Viewer,
    kind: Any,
    object_id: int,
    shortlist_id: int | None = None,
    note: Any = "",
) -> ShortlistItem:
    """Save a listing the viewer may see to one of their shortlists (the default one when
    none is named); saving it again only updates the note."""
    user_id = _user(viewer)
    note = _clean_note(note)
    listing = selectors.listing_get(viewer, str(kind), object_id)
    if shortlist_id is None:
        shortlist = default_shortlist(viewer=viewer)
    else:
        shortlist = selectors.shortlist_get(viewer, shortlist_id)
    with transaction.atomic():
        item = shortlist.items.filter(kind=kind, object_id=listing.pk).first()
        if item is not None:
            if note and note != item.note:
                changes = {"note": [item.note, note]}
                item.note = note
                item.save(update_fields=["note", "updated_at"])
                change_record(target=shortlist, actor_id=user_id, action="update", changes=changes)
            return item
        if shortlist.items.count() >= settings.JIELI_SHORTLIST_ITEMS:
            raise InvalidInput(
                _("A shortlist holds at most {n} listings.").format(
                    n=settings.JIELI_SHORTLIST_ITEMS
                )
            )
        try:
            with transaction.atomic():
                item = ShortlistItem.objects.create(
                    shortlist=shortlist, kind=kind, object_id=listing.pk, note=note
                )
        except IntegrityError as exc:  # the same save twice at once
            raise Conflict(_("This listing is already in the shortlist.")) from exc
        change_record(
            target=shortlist,
            actor_id=user_id,
            action="item_add",
            changes={"items": [None, f"{kind} {listing.pk}"]},
        )
    return item


def _own_item(viewer: Viewer, item_id: int) -> ShortlistItem:
    item = (
        ShortlistItem.objects.select_related("shortlist")
        .filter(pk=item_id, shortlist__owner_id=viewer.user_id)
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def shortlist_item_note(*, viewer: Viewer, item_id: int, note: Any) -> ShortlistItem:
    user_id = _user(viewer)
    note = _clean_note(note)
    with transaction.atomic():
        item = _own_item(viewer, item_id)
        if note != item.note:
            changes = {"note": [item.note, note]}
            item.note = note
            item.save(update_fields=["note", "updated_at"])
            change_record(target=item.shortlist, actor_id=user_id, action="update", changes=changes)
    return item


def shortlist_item_remove(*, viewer: Viewer, item_id: int) -> None:
    user_id = _user(viewer)
    with transaction.atomic():
        item = _own_item(viewer, item_id)
        change_record(
            target=item.shortlist,
            actor_id=user_id,
            action="item_remove",
            changes={"items": [f"{item.kind} {item.object_id}", None]},
        )
        item.delete()


# --- saved searches and match subscriptions -----------------------------------------------------


def _check_room(viewer: Viewer) -> None:
    limit = settings.JIELI_SUBSCRIPTIONS_PER_USER
    if selectors.visible_subscriptions(viewer).count() >= limit:
        raise InvalidInput(
            _("You may keep at most {n} saved searches and subscriptions.").format(n=limit)
        )


def saved_search_create(*, viewer: Viewer, data: dict[str, Any]) -> Subscription:
    """Save the search page's query and filters, checked by the search page's own form.

    Invalid filters (an unknown code, a query without terms) are refused; nothing is saved.
    """
    user_id = _user(viewer)
    form = SearchForm(data)
    if not form.is_valid():
        raise search_form_errors(form)
    d = form.cleaned_data
    _check_room(viewer)
    name = (d.get("name") or "").strip() or d["q"][:MAX_NAME]
    try:
        with transaction.atomic():
            sub = Subscription.objects.create(
                owner_id=user_id,
                type=SubscriptionType.SEARCH,
                name=name,
                q=d["q"],
                kind=d["kind"],
                industry=d["industry"],
                region=d["region"],
            )
            change_record(target=sub, actor_id=user_id, action="create")
    except IntegrityError as exc:
        raise Conflict(_("You have already saved this search.")) from exc
    return sub


def match_subscription_create(*, viewer: Viewer, kind: Any, object_id: int) -> Subscription:
    """Follow the matches of a demand or an achievement the viewer may see."""
    user_id = _user(viewer)
    if kind not in AlertKind.values:
        raise InvalidInput(
            fields={
                "kind": [_("Choose one of: {options}.").format(options=", ".join(AlertKind.values))]
            }
        )
    listing = selectors.listing_get(viewer, kind, object_id)
    _check_room(viewer)
    try:
        with transaction.atomic():
            sub = Subscription.objects.create(
                owner_id=user_id,
                type=SubscriptionType.MATCHES,
                name=str(listing.title)[:MAX_NAME],
                source_kind=kind,
                source_id=listing.pk,
            )
            change_record(target=sub, actor_id=user_id, action="create")
    except IntegrityError as exc:
        raise Conflict(_("You already follow these matches.")) from exc
    return sub


def subscription_set_active(
    *,
    viewer: Viewer,
    subscription_id: int,
    active: bool,
    actor_id: int | None = None,
    action: str = "update",
) -> Subscription:
    user_id = _user(viewer)
    with transaction.atomic():
        sub = (
            selectors.visible_subscriptions(viewer)
            .select_for_update()
            .filter(pk=subscription_id)
            .first()
        )
        if sub is None:
            raise NotFound()
        if sub.is_active != active:
            changes = {"is_active": [sub.is_active, active]}
            sub.is_active = active
            sub.save(update_fields=["is_active", "updated_at"])
            change_record(
                target=sub,
                actor_id=actor_id if actor_id is not None else user_id,
                action=action,
                changes=changes,
            )
    return sub


def subscription_delete(*, viewer: Viewer, subscription_id: int) -> None:
    user_id = _user(viewer)
    with transaction.atomic():
        sub = selectors.subscription_get(viewer, subscription_id)
        change_record(target=sub, actor_id=user_id, action="delete")
        sub.delete()


def subscription_unsubscribe(*, user_id: int, scope: Any) -> bool:
    """The notifications app's one-click unsubscribe (signed link, no sign-in): stop the
    saved search or subscription named by ``scope`` if it is the user's. True if stopped."""
    try:
        pk = int(scope)
    except (TypeError, ValueError):
        return False
    try:
        subscription_set_active(
            viewer=Viewer(user_id=user_id), subscription_id=pk, active=False, action="unsubscribe"
        )
    except NotFound:
        return False
    return True
