"""Endpoints behind the cascading pickers (plain JSON or ``<option>`` HTML, no JavaScript deps)."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jieli.core.errors import InvalidInput, ServiceError
from jieli.core.http import JieliRequest
from jieli.regions import selectors
from jieli.regions.selectors import KINDS


@require_GET
def children(request: JieliRequest) -> HttpResponse:
    """``/regions/children/?parent=37`` → the cities of Shandong.

    ``kind`` is region (default), industry or discipline; ``format=html`` answers ``<option>``
    elements instead of JSON.
    """
    kind = request.GET.get("kind", "region")
    parent = request.GET.get("parent", "").strip()
    try:
        if kind not in KINDS:
            message = _("Choose one of: {options}.").format(options=", ".join(KINDS))
            raise InvalidInput(message, fields={"kind": [message]})
        if len(parent) > 16:
            raise InvalidInput(fields={"parent": [_("At most {n} characters.").format(n=16)]})
        items = list(selectors.code_list_search(kind, parent=parent))  # type: ignore[arg-type]
    except ServiceError as exc:
        return JsonResponse(
            {"code": exc.code, "message": exc.message, "fields": exc.fields}, status=exc.status
        )
    rows = [
        {
            "code": o.code,
            "name": o.display_name,
            "level": o.level,
            "label": selectors.code_label(kind, o.code),  # type: ignore[arg-type]
        }  # type: ignore[arg-type]
        for o in items
    ]
    if request.GET.get("format") == "html":
        return render(request, "regions/options.html", {"rows": rows})
    return JsonResponse({"parent": parent or None, "results": rows})
