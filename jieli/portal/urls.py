from django.urls import path

from jieli.portal import review, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("workspace/", views.workspace, name="workspace"),
    path("review/", review.review, name="review"),
    path("register/", views.register, name="register"),
]
