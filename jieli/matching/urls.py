from django.urls import path

from jieli.matching import views

app_name = "matching"
urlpatterns = [
    path("demands/<int:pk>/", views.demand_matches, name="demand"),
    path("achievements/<int:pk>/", views.achievement_matches, name="achievement"),
    path("status/", views.vector_status, name="status"),
    path("feedback/", views.feedback, name="feedback"),
]
