from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView
from django.views.i18n import set_language
from ninja.openapi.views import openapi_view

from jieli.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/docs", openapi_view, {"api": api}, name="api-docs"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Browsers ask for /favicon.ico whatever the page says; answer with our own icon.
    path("favicon.ico", RedirectView.as_view(url=static("jieli/favicon.ico"), permanent=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("organisations/", include("jieli.organisations.urls")),
    path("achievements/", include("jieli.achievements.urls")),
    path("demands/", include("jieli.demands.urls")),
    path("experts/", include("jieli.experts.urls")),
    path("regions/", include("jieli.regions.urls")),
    path("notifications/", include("jieli.notifications.urls")),
    path("imports/", include("jieli.imports.urls")),
    path("duplicates/", include("jieli.duplicates.urls")),
    path("enquiries/", include("jieli.enquiries.urls")),
    path("evaluations/", include("jieli.evaluations.urls")),
    path("events/", include("jieli.events.urls")),
    path("pipeline/", include("jieli.pipeline.urls")),
    path("matching/", include("jieli.matching.urls")),
    path("watch/", include("jieli.watchlists.urls")),
    path("facilities/", include("jieli.facilities.urls")),
    path("", include("jieli.portal.urls")),
]
