from django.urls import path

from jieli.experts import views

app_name = "experts"
urlpatterns = [
    path("", views.expert_list, name="list"),
    path("me/", views.my_profile, name="me"),
    path("<int:pk>/", views.expert_detail, name="detail"),
]
