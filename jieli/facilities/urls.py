from django.urls import path

from jieli.facilities import views

app_name = "facilities"
urlpatterns = [
    path("platforms/", views.platform_list, name="platforms"),
    path("platforms/new/", views.platform_new, name="platform_new"),
    path("platforms/<int:pk>/", views.platform_detail, name="platform"),
    path("platforms/<int:pk>/edit/", views.platform_edit, name="platform_edit"),
    path("platforms/<int:pk>/book/", views.platform_book, name="book"),
    path("zones/", views.zone_list, name="zones"),
    path("zones/new/", views.zone_new, name="zone_new"),
    path("zones/<int:pk>/", views.zone_detail, name="zone"),
    path("zones/<int:pk>/edit/", views.zone_edit, name="zone_edit"),
    path("clusters/", views.cluster_list, name="clusters"),
    path("clusters/new/", views.cluster_new, name="cluster_new"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster"),
    path("clusters/<int:pk>/edit/", views.cluster_edit, name="cluster_edit"),
    path("<str:kind>/<int:pk>/status/", views.set_status, name="status"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/move/", views.booking_move, name="move"),
]
