from django.urls import path

from jieli.portal.views import home

app_name = "demands"
# Replaced by the demands app's own views.
urlpatterns = [path("", home, name="list")]
