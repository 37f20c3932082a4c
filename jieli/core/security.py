"""Abuse protection shared by pages and the API: the client address, the login lock-out
response, rate limits on expensive endpoints and a short cache for repeated anonymous queries.

Counters and cached results live in the Django cache (Redis in production, files under var/ in
embedded mode), so every worker process shares them.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from ninja.throttling import BaseThrottle

from jieli.core.viewer import Viewer

T = TypeVar("T")


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or the one our ``JIELI_PROXY_COUNT`` proxies saw."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = getattr(settings, "JIELI_PROXY_COUNT", 0)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    return hops[-min(proxies, len(hops))] if hops else remote


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kw: Any):
    """django-axes: too many failed sign-ins. 429 with a translated message, in the API's
    error shape for API paths and on the sign-in page otherwise."""
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    message = _(
        "Too many failed sign-in attempts. Please wait {minutes} minutes and try again."
    ).format(minutes=minutes)
    if _is_api(request):
        return JsonResponse(
            {"code": "locked_out", "message": message, "fields": {}},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    from django.contrib.auth.forms import AuthenticationForm

    form = AuthenticationForm(request)
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "locked_out": True},
        status=429,
    )


# --- rate limits ---------------------------------------------------------------------------


def _rate_for(group: str, request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    prefix = "export_" if group == "export" else ""
    return settings.JIELI_RATELIMITS.get(prefix + ("authenticated" if signed_in else "anonymous"))


def _key(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + client_ip(request)


def rate_limited(request: HttpRequest, group: str) -> float | None:
    """Count this request against ``group``; return the seconds to wait if over the limit."""
    if not settings.JIELI_RATELIMIT_ENABLED:
        return None
    rate = _rate_for(group, request)
    if not rate:
        return None
    usage = get_usage(request, group=f"jieli.{group}", key=_key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return float(usage["time_left"])


def too_many_message() -> str:
    return _("Too many requests. Please wait a moment and try again.")


def page_rate_limit(group: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for pages: over the limit answers 429 with the translated message."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            wait = rate_limited(request, group)
            if wait is not None:
                response = render(request, "429.html", {"message": too_many_message()}, status=429)
                response["Retry-After"] = str(max(1, math.ceil(wait)))
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


class ExpensiveThrottle(BaseThrottle):
    """django-ninja throttle for expensive API operations (``throttle=ExpensiveThrottle()``);
    anonymous callers are counted per address, signed-in ones per user, with higher limits."""

    def __init__(self, group: str = "expensive") -> None:
        self.group = group
        self._wait: float | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        self._wait = rate_limited(request, self.group)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


# --- repeated anonymous queries ------------------------------------------------------------


def visibility_class(viewer: Viewer) -> str | None:
    """Viewers who see exactly the same listings share cached results. Only anonymous visitors
    are pooled: anyone signed in may see their own drafts, members-only or dual-use listings."""
    return "anonymous" if not viewer.is_authenticated else None


def cached_for_viewer(
    viewer: Viewer, parts: tuple[Any, ...], compute: Callable[[], T], *, seconds: int | None = None
) -> T:
    """``compute()``, reused for ``seconds`` when the same query comes from the same visibility
    class in the same language. Others always compute afresh."""
    klass = visibility_class(viewer)
    ttl = settings.JIELI_RESULT_CACHE_SECONDS if seconds is None else seconds
    if klass is None or ttl <= 0:
        return compute()
    raw = json.dumps([klass, translation.get_language(), *parts], default=str, ensure_ascii=False)
    key = "jieli.result." + hashlib.sha256(raw.encode()).hexdigest()
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = compute()
    cache.set(key, value, ttl)
    return value
