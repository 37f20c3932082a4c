from django.urls import path

from jieli.pipeline import views

app_name = "pipeline"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("export/", views.export, name="export"),
    path("dropped/", views.dropped, name="dropped"),
    path("open/<str:origin>/<int:pk>/", views.project_open, name="open"),
    path("<int:pk>/", views.board, name="board"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/close/", views.project_close, name="close"),
    path("<int:pk>/stages/<str:key>/move/", views.stage_move, name="move"),
    path("<int:pk>/stages/<str:key>/upload/", views.stage_upload, name="upload"),
    path("<int:pk>/stages/<str:key>/edit/", views.stage_edit, name="stage_edit"),
    path("<int:pk>/files/<int:file_id>/", views.deliverable_download, name="file"),
    path("<int:pk>/contracts/new/", views.contract_new, name="contract_new"),
    path("<int:pk>/contracts/<int:contract_id>/payments/", views.payment_add, name="payment"),
    path("<int:pk>/contracts/<int:contract_id>/milestones/", views.milestone_add, name="milestone"),
    path("<int:pk>/contracts/<int:contract_id>/edit/", views.contract_edit, name="contract_edit"),
    path("<int:pk>/contracts/<int:contract_id>/void/", views.contract_void, name="contract_void"),
    path(
        "<int:pk>/milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"
    ),
    path("<int:pk>/funding/", views.funding_add, name="funding"),
    path("<int:pk>/facilities/", views.facilities_link, name="facilities"),
    path("<int:pk>/outcomes/new/", views.outcome_new, name="outcome_new"),
]
