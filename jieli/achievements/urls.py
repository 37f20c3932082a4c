from django.urls import path

from jieli.portal.views import home

app_name = "achievements"
# Replaced by the achievements app's own views.
urlpatterns = [path("", home, name="list")]
