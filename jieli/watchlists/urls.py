from django.urls import path

from jieli.watchlists import views

app_name = "watchlists"
urlpatterns = [
    path("shortlists/", views.shortlists, name="shortlists"),
    path("shortlists/<int:pk>/", views.shortlist, name="shortlist"),
    path("shortlists/<int:pk>/rename/", views.shortlist_rename, name="rename"),
    path("shortlists/<int:pk>/delete/", views.shortlist_delete, name="delete"),
    path("shortlists/<int:pk>/export/", views.shortlist_export, name="export"),
    path("items/<int:pk>/note/", views.item_note, name="item_note"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("save/<str:kind>/<int:pk>/", views.save, name="save"),
    path("follow/<str:kind>/<int:pk>/", views.follow, name="follow"),
    path("searches/", views.subscriptions, name="subscriptions"),
    path("searches/save/", views.search_save, name="search_save"),
    path("searches/<int:pk>/active/", views.subscription_toggle, name="toggle"),
    path("searches/<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
]
