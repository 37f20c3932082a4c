from django.urls import path

from jieli.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("apply/", views.organisation_apply, name="apply"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/members/", views.organisation_members, name="members"),
    path("<int:pk>/decision/", views.organisation_decide, name="decide"),
    path("me/tokens/", views.api_tokens, name="tokens"),
    path("me/tokens/<int:pk>/revoke/", views.api_token_revoke, name="token_revoke"),
]
