from django.urls import include, path

urlpatterns = [path("regions/", include("jieli.regions.urls"))]
