from django.urls import path

from jieli.achievements import views

app_name = "achievements"
urlpatterns = [
    path("", views.achievement_list, name="list"),
    path("new/", views.achievement_create, name="create"),
    path("<int:pk>/", views.achievement_detail, name="detail"),
    path("<int:pk>/edit/", views.achievement_edit, name="edit"),
    path("<int:pk>/action/<str:action>/", views.achievement_action, name="action"),
]
