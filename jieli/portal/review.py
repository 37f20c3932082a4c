"""The secretariat's review queue: search, filters, preview and batch approve/return.

A batch calls the listing app's own transition service once per item, each in its own
transaction, so one item's failure never blocks or undoes the others, and every failure is
reported against the item it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.achievements import selectors as achievement_selectors
from jieli.achievements import services as achievement_services
from jieli.core.errors import ServiceError
from jieli.core.forms import safe_next
from jieli.core.pagination import page_of
from jieli.core.viewer import Viewer, request_viewer
from jieli.demands import selectors as demand_selectors
from jieli.demands import services as demand_services
from jieli.organisations import selectors as organisation_selectors

REVIEW_PAGE = 20
# One batch is one screenful of the queue at most: each item is its own transaction.
MAX_BATCH = 100
MAX_QUERY = 200
ORDERS = {"oldest": ("submitted_at", "id"), "newest": ("-submitted_at", "-id")}
ORGANISATION_ORDERS = {"oldest": ("created_at", "id"), "newest": ("-created_at", "-id")}


@dataclass(frozen=True)
class QueueKind:
    key: str
    label: Any
    detail_url: str

    def queue(self, viewer: Viewer) -> QuerySet[Any]:
        if self.key == "achievements":
            return achievement_selectors.achievement_review_queue(viewer)
        if self.key == "demands":
            return demand_selectors.demand_review_queue(viewer)
        return organisation_selectors.admission_queue(viewer)

    def transition(self, viewer: Viewer, pk: int, action: str, reason: str) -> None:
        if self.key == "achievements":
            achievement_services.achievement_transition(
                viewer=viewer, pk=pk, action=action, reason=reason
            )
        elif self.key == "demands":
            demand_services.demand_transition(viewer=viewer, pk=pk, action=action, reason=reason)
        else:  # membership decisions have their own form on the organisation page
            raise ValueError(self.key)


KINDS = {
    "achievements": QueueKind(
        "achievements", gettext_lazy("Achievements awaiting review"), "achievements:detail"
    ),
    "demands": QueueKind("demands", gettext_lazy("Demands awaiting review"), "demands:detail"),
    "organisations": QueueKind(
        "organisations", gettext_lazy("Membership applications"), "organisations:detail"
    ),
}
BATCH_ACTIONS = ("publish", "return")


def _narrow(qs: QuerySet[Any], kind: str, *, q: str, owner: str, order: str) -> QuerySet[Any]:
    """Search by title or organisation name and filter by organisation, in the queue only."""
    if kind == "organisations":
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
        return qs.order_by(*ORGANISATION_ORDERS.get(order, ORGANISATION_ORDERS["oldest"]))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(owner__name__icontains=q))
    if owner.isdigit():
        qs = qs.filter(owner_id=int(owner))
    return qs.order_by(*ORDERS.get(order, ORDERS["oldest"]))


def _owners(qs: QuerySet[Any]) -> list[tuple[int, str]]:
    rows = qs.order_by().values_list("owner_id", "owner__name").distinct()
    return sorted(set(rows), key=lambda row: row[1])


@login_required
def review(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not viewer.is_staff_role:
        return render(request, "403.html", status=403)
    if request.method == "POST":
        return _batch(request, viewer)
    g = request.GET
    kind = g.get("kind", "achievements")
    if kind not in KINDS:
        kind = "achievements"
    q = g.get("q", "").strip()[:MAX_QUERY]
    owner = g.get("owner", "").strip()[:12]
    order = g.get("order", "oldest")
    if order not in ORDERS:
        order = "oldest"
    spec = KINDS[kind]
    queue = spec.queue(viewer)
    related = ("owner", "industry", "region") if kind != "organisations" else ("region",)
    items = _narrow(queue.select_related(*related), kind, q=q, owner=owner, order=order)
    return render(
        request,
        "portal/review.html",
        {
            "kind": kind,
            "spec": spec,
            "tabs": [(key, k.label, k.queue(viewer).count()) for key, k in KINDS.items()],
            "page": page_of(request, items, size=REVIEW_PAGE),
            "owners": _owners(queue) if kind != "organisations" else [],
            "filters": {"q": q, "owner": owner, "order": order},
            "filtered": bool(q or owner),
            "max_batch": MAX_BATCH,
        },
    )


def _batch(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    p = request.POST
    kind = p.get("kind", "")
    back = safe_next(request, reverse("portal:review") + f"?kind={kind}")
    action = p.get("action", "")
    reason = p.get("reason", "").strip()[:2000]
    if kind not in ("achievements", "demands") or action not in BATCH_ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect(back)
    raw_ids = p.getlist("ids")
    ids = [int(i) for i in raw_ids if i.isdigit()]
    if not ids or len(ids) != len(raw_ids):
        messages.error(request, _("Choose at least one item in the list."))
        return redirect(back)
    if len(ids) > MAX_BATCH:
        messages.error(request, _("At most {n} items can be handled at once.").format(n=MAX_BATCH))
        return redirect(back)
    if action == "return" and not reason:
        messages.error(request, _("Give a reason when returning items."))
        return redirect(back)
    spec = KINDS[kind]
    titles = dict(spec.queue(viewer).filter(pk__in=ids).values_list("pk", "title"))
    done = 0
    for pk in dict.fromkeys(ids):  # each item once, in the order shown
        try:
            spec.transition(viewer, pk, action, reason)
        except ServiceError as exc:
            details = [m for msgs in exc.fields.values() for m in msgs]
            title = titles.get(pk) or f"#{pk}"
            messages.error(request, f"{title}: " + " ".join([exc.message, *details]))
        else:
            done += 1
    if done:
        if action == "publish":
            text = _("Approved and published: {n}.").format(n=done)
        else:
            text = _("Returned with your reason: {n}.").format(n=done)
        messages.success(request, text)
    return redirect(back)
