"""The JSON API at /api/v1/, assembled from each app's router."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.constants import NOT_SET
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from jieli.core.api import install_error_handlers


def _csrf_needed(api: NinjaAPI) -> bool:
    """Whether "Try it out" must send the CSRF token (session-cookie auth)."""
    auth = api.auth
    if not auth or auth is NOT_SET or not isinstance(auth, list | tuple):
        return False
    return any(getattr(a, "csrf", False) for a in auth)


class OfflineSwagger(Swagger):
    """Swagger UI from swagger-ui-dist (npm) in our static files: no CDN, and no inline script,
    so /api/docs works on an intranet and under a strict Content-Security-Policy."""

    template = "api/docs.html"
    # Schemas folded: the operations, not 60 models, are what a reader looks for first.
    default_settings = {**Swagger.default_settings, "defaultModelsExpandDepth": -1}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        settings = {**self.settings, "url": openapi_url}
        context = {
            "swagger_settings": settings,
            "openapi_url": openapi_url,
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese text stays readable instead of \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="Jieli API",
    version="1",
    description=str(_("Jieli technology-transfer platform API")),
    urls_namespace="api",
    docs_url="/docs",
    docs=OfflineSwagger(),
)
install_error_handlers(api)

# (url prefix, module with a ``router``); modules are imported lazily so an app can be absent.
ROUTERS = [
    ("/organisations", "jieli.organisations.api"),
    ("/achievements", "jieli.achievements.api"),
    ("/demands", "jieli.demands.api"),
    ("/experts", "jieli.experts.api"),
    ("/regions", "jieli.regions.api"),
    ("/matching", "jieli.matching.api"),
    ("/imports", "jieli.imports.api"),
    ("/duplicates", "jieli.duplicates.api"),
    ("/enquiries", "jieli.enquiries.api"),
    ("/evaluations", "jieli.evaluations.api"),
    ("/events", "jieli.events.api"),
    ("/pipeline", "jieli.pipeline.api"),
    ("/watch", "jieli.watchlists.api"),
    ("/facilities", "jieli.facilities.api"),
    ("/notifications", "jieli.notifications.api"),
    ("/me", "jieli.organisations.api_me"),
]
for prefix, module_name in ROUTERS:
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    api.add_router(prefix, module.router)
