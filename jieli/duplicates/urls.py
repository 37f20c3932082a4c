from django.urls import path

from jieli.duplicates import views

app_name = "duplicates"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("check/", views.check, name="check"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/decision/", views.decide, name="decide"),
]
