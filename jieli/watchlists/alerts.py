"""The alert job: tell subscribers when a newly published listing enters their results.

Incremental. A persisted cursor (``AlertCursor``) says up to when publications are done; a run
looks at listings published since then (looking back ``JIELI_ALERT_OVERLAP_SECONDS`` for a
publication whose transaction committed late, minus those in ``AlertedListing``). With none,
the run ends after those two queries.

Cheap. The job checks once per distinct query (a saved search's words, a followed listing's
text), for every subscriber at once, whether a new listing can enter its results at all
(``matching.selectors.may_enter_results``): while the index ranks by words alone, a listing
sharing no indexed word or character pair with the query never can, whoever searches
(microseconds, no search run). Only the subscriptions that pass are searched, each as its
subscriber. (A viewer-independent engine search is no test: hidden listings are left out of
each viewer's ranking before the cut, so a viewer's results may reach deeper than anyone
else's.) With sentence vectors every listing may be a candidate and every subscription with
new listings of its kind is searched: the cost then grows with the number of subscriptions.

As the subscriber. For the rest, the job runs the very search or match list the subscriber
would see (their ``Viewer``, their filters, the first ``JIELI_ALERT_TOP_N``), so a listing the
subscriber may not see never produces a notification.

Once. Every notification carries the dedupe key ``<subscription>:<kind>:<listing>``, which the
notifications app keeps unique per recipient: a run killed half-way and run again, or the
overlap, never sends one twice. A listing is recorded as done only after its notifications.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jieli.core import registry
from jieli.core.errors import NotFound
from jieli.core.viewer import Viewer
from jieli.watchlists.models import (
    AlertCursor,
    AlertedListing,
    AlertKind,
    Subscription,
    SubscriptionType,
)

logger = logging.getLogger(__name__)

NOTIFICATION_KIND = "watchlists.match"
CURSOR_KEY = "alerts"
# What a followed listing's matches are: a demand's achievements, an achievement's demands.
MATCHED_KIND = {AlertKind.DEMAND: AlertKind.ACHIEVEMENT, AlertKind.ACHIEVEMENT: AlertKind.DEMAND}


@dataclass
class AlertCounts:
    new_listings: int = 0
    subscriptions: int = 0
    candidate_checks: int = 0
    subscriber_searches: int = 0
    notifications: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "new_listings": self.new_listings,
            "subscriptions": self.subscriptions,
            "candidate_checks": self.candidate_checks,
            "subscriber_searches": self.subscriber_searches,
            "notifications": self.notifications,
        }


def _published(kind: str) -> Any:
    return registry.get_kind(kind).model._default_manager.filter(status="published")


def new_listings(since: datetime, until: datetime) -> dict[str, set[int]]:
    """Published listings of each alert kind, published in (since, until], not yet done."""
    found: dict[str, set[int]] = {}
    for kind in AlertKind.values:
        ids = set(
            _published(kind)
            .filter(published_at__gt=since, published_at__lte=until)
            .values_list("pk", flat=True)
        )
        if ids:
            done = set(
                AlertedListing.objects.filter(kind=kind, object_id__in=ids).values_list(
                    "object_id", flat=True
                )
            )
            ids -= done
        if ids:
            found[kind] = ids
    return found


@dataclass(frozen=True)
class Alert:
    subscription: Subscription
    kind: str
    listing_id: int
    terms: list[str]


class _Viewers:
    """Each subscriber's viewer, built once per run."""

    def __init__(self) -> None:
        self._cache: dict[int, Viewer] = {}
        self._users = get_user_model()._default_manager

    def __call__(self, user_id: int) -> Viewer | None:
        if user_id not in self._cache:
            user = self._users.filter(pk=user_id, is_active=True).first()
            self._cache[user_id] = registry.viewer_factory()(user) if user else Viewer()
        viewer = self._cache[user_id]
        return viewer if viewer.is_authenticated else None


def _search_alerts(
    subs: list[Subscription], new: dict[str, set[int]], viewers: _Viewers, counts: AlertCounts
) -> Iterable[Alert]:
    from jieli.matching import selectors as matching

    top_n = settings.JIELI_ALERT_TOP_N
    groups: dict[tuple[str, str], list[Subscription]] = defaultdict(list)
    for sub in subs:
        for kind in [sub.kind] if sub.kind else list(AlertKind.values):
            if kind in new:
                groups[(kind, sub.q)].append(sub)
    for kind in {kind for kind, _q in groups}:
        matching.index_sync(kind)  # once: the checks below read the index as it is now
    for (kind, q), members in groups.items():
        counts.candidate_checks += 1
        if not matching.may_enter_results(kind, q, new[kind], synced=True):
            continue
        for sub in members:
            viewer = viewers(sub.owner_id)
            if viewer is None:
                continue
            counts.subscriber_searches += 1
            try:
                base = matching.narrow_by_codes(
                    matching.visible_queryset(viewer, kind),
                    kind,
                    industry=sub.industry,
                    region=sub.region,
                )
                found = matching.search(viewer, kind=kind, q=q, k=top_n, base=base)
            except Exception:  # a code retired since: skip this one, not the run
                logger.exception("saved search %s failed", sub.pk)
                continue
            for match in found:
                if match.pk in new[kind]:
                    yield Alert(sub, kind, match.pk, list(match.matched_terms))


def _match_alerts(
    subs: list[Subscription], new: dict[str, set[int]], viewers: _Viewers, counts: AlertCounts
) -> Iterable[Alert]:
    from jieli.matching import selectors as matching
    from jieli.matching.documents import text_for

    top_n = settings.JIELI_ALERT_TOP_N
    by_source: dict[tuple[str, int], list[Subscription]] = defaultdict(list)
    for sub in subs:
        if MATCHED_KIND[AlertKind(sub.source_kind)] in new and sub.source_id is not None:
            by_source[(sub.source_kind, sub.source_id)].append(sub)
    for kind in {MATCHED_KIND[AlertKind(k)] for k, _id in by_source}:
        matching.index_sync(kind)
    for (source_kind, source_id), members in by_source.items():
        target = MATCHED_KIND[AlertKind(source_kind)]
        source = _published(source_kind).filter(pk=source_id).first()
        if source is None:  # no longer published: nothing to match for anyone
            continue
        counts.candidate_checks += 1
        text = text_for(source_kind, source)
        if not matching.may_enter_results(target, text, new[target], synced=True):
            continue
        for sub in members:
            viewer = viewers(sub.owner_id)
            if viewer is None:
                continue
            counts.subscriber_searches += 1
            try:
                if source_kind == AlertKind.DEMAND:
                    found = matching.matches_for_demand(viewer, demand_id=source_id, k=top_n)
                else:
                    found = matching.demands_for_achievement(
                        viewer, achievement_id=source_id, k=top_n
                    )
            except NotFound:  # the subscriber may no longer see the followed listing
                continue
            for match in found:
                if match.pk in new[target]:
                    yield Alert(sub, target, match.pk, list(match.matched_terms))


def _send(alert: Alert) -> int:
    from jieli.notifications.services import notification_send

    sub = alert.subscription
    target = registry.get_kind(alert.kind).model._default_manager.get(pk=alert.listing_id)
    return notification_send(
        kind=NOTIFICATION_KIND,
        recipient_ids=[sub.owner_id],
        target=target,
        params={
            "scope": str(sub.pk),
            "subscription": sub.pk,
            "type": sub.type,
            "name": sub.name,
            "kind": alert.kind,
            "id": alert.listing_id,
            "terms": alert.terms[:6],
            "source": [sub.source_kind, sub.source_id] if sub.source_id else None,
        },
        dedupe_key=f"{sub.pk}:{alert.kind}:{alert.listing_id}",
    )


def alerts_run(
    *, now: datetime | None = None, send: Callable[[Alert], int] | None = None
) -> AlertCounts:
    """One run of the alert job (see the module docstring); the counts of what it did."""
    now = now or timezone.now()
    send = send or _send
    counts = AlertCounts()
    cursor, created = AlertCursor.objects.get_or_create(
        key=CURSOR_KEY, defaults={"published_until": now}
    )
    since = cursor.published_until - timedelta(seconds=settings.JIELI_ALERT_OVERLAP_SECONDS)
    new = new_listings(since, now)
    counts.new_listings = sum(len(ids) for ids in new.values())
    # The first run starts from now: what was published before is done, not announced.
    if new and not created:
        subs = list(Subscription.objects.filter(is_active=True))
        counts.subscriptions = len(subs)
        viewers = _Viewers()
        searches = [s for s in subs if s.type == SubscriptionType.SEARCH]
        follows = [s for s in subs if s.type == SubscriptionType.MATCHES]
        for alert in [
            *_search_alerts(searches, new, viewers, counts),
            *_match_alerts(follows, new, viewers, counts),
        ]:
            counts.notifications += send(alert)
    with transaction.atomic():
        AlertedListing.objects.bulk_create(
            [AlertedListing(kind=k, object_id=pk) for k, ids in new.items() for pk in ids],
            ignore_conflicts=True,
        )
        AlertCursor.objects.filter(pk=cursor.pk).update(published_until=now)
        AlertedListing.objects.filter(
            processed_at__lt=now - timedelta(seconds=2 * settings.JIELI_ALERT_OVERLAP_SECONDS)
        ).delete()
    return counts


# --- the notification kind ------------------------------------------------------------------


def register_notification_kind() -> None:
    """Declare the match alert to the notifications app: a daily digest unless the user
    chooses otherwise; its unsubscribe link stops the one saved search (``scope``)."""
    from django.utils.translation import gettext_lazy

    from jieli.notifications.kinds import NotificationKind, register_kind

    register_kind(
        NotificationKind(
            NOTIFICATION_KIND,
            gettext_lazy("New matches for saved searches and followed listings"),
            render_alert,
            default_email="daily",
            on_unsubscribe=_unsubscribe,
        )
    )


def _unsubscribe(user_id: int, scope: Any) -> None:
    from jieli.watchlists.services import subscription_unsubscribe

    subscription_unsubscribe(user_id=user_id, scope=scope)


def alert_reasons(params: dict[str, Any], listing: Any) -> list[str]:
    """Why the listing matched, in the active language: the shared terms, and for a followed
    listing the structured fit (industry, maturity, cooperation, region, budget)."""
    from jieli.matching.documents import facts_for
    from jieli.matching.ranking import structured_fit, terms_reason

    terms = [str(t) for t in params.get("terms") or []]
    reasons = [terms_reason(terms)] if terms else []
    source = params.get("source")
    if source:
        source_kind, source_id = source
        other = _published(source_kind).filter(pk=source_id).first()
        if other is not None:
            demand, offer = (
                (other, listing) if source_kind == AlertKind.DEMAND else (listing, other)
            )
            fit = structured_fit(
                facts_for(AlertKind.DEMAND, demand), facts_for(AlertKind.ACHIEVEMENT, offer)
            )
            reasons += [str(r) for r in fit.reasons if r]
    return reasons


def render_alert(notification: Any) -> Any:
    """The alert in the recipient's language (the notifications app sets it): the new listing,
    what it matched, and why. A listing the recipient may no longer see is not named."""
    from django.urls import reverse
    from django.utils.text import capfirst
    from django.utils.translation import gettext as _

    from jieli.notifications.kinds import Rendered

    params = dict(notification.params or {})
    kind = str(params.get("kind", ""))
    name = str(params.get("name", ""))
    viewer = registry.viewer_factory()(notification.recipient)
    spec = registry.find_kind(kind)
    listing = None
    if spec is not None and kind in AlertKind.values:
        listing = spec.visible(viewer).filter(pk=params.get("id")).first()
    if listing is None or spec is None:
        return Rendered(
            _("A new match is no longer available"),
            _("A listing that matched “{name}” can no longer be shown.").format(name=name),
            reverse("watchlists:subscriptions"),
        )
    if params.get("type") == SubscriptionType.MATCHES:
        title = _("New match for “{name}”: {title}")
    else:
        title = _("New result for your saved search “{name}”: {title}")
    reasons = alert_reasons(params, listing)
    lines = [f"{capfirst(spec.label)}: {listing.title}"] + [f"· {r}" for r in reasons]
    return Rendered(
        title.format(name=name, title=listing.title),
        "\n".join(lines),
        reverse(spec.detail_url, kwargs={"pk": listing.pk}),
    )
