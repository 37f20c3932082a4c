from django.urls import path

from jieli.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_upload, name="upload"),
    path("jobs/<int:pk>/", views.import_job, name="job"),
    path("jobs/<int:pk>/status/", views.import_job_status, name="job_status"),
    path("jobs/<int:pk>/rejected/", views.import_job_rejected, name="rejected"),
    path("export/<str:kind>/", views.export, name="export"),
]
