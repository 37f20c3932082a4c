"""The JSON API at /api/v1/, assembled from each app's router."""

from __future__ import annotations

from importlib import import_module

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from jieli.core.api import install_error_handlers


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
