from django.urls import path

from jieli.portal.views import home

app_name = "experts"
# Replaced by the experts app's own views.
urlpatterns = [path("", home, name="list")]
