from django.urls import path

from jieli.demands import views

app_name = "demands"
urlpatterns = [
    path("", views.demand_list, name="list"),
    path("new/", views.demand_create, name="create"),
    path("<int:pk>/", views.demand_detail, name="detail"),
    path("<int:pk>/edit/", views.demand_edit, name="edit"),
    path("<int:pk>/action/", views.demand_action, name="action"),
]
