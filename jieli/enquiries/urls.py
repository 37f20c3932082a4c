from django.urls import path

from jieli.enquiries import views

app_name = "enquiries"
urlpatterns = [
    path("", views.enquiry_list, name="list"),
    path("new/<str:kind>/<int:pk>/", views.enquiry_new, name="new"),
    path("<int:pk>/", views.enquiry_detail, name="detail"),
    path("<int:pk>/reply/", views.enquiry_reply, name="reply"),
    path("<int:pk>/move/", views.enquiry_move, name="move"),
    path("<int:pk>/block/", views.enquiry_block, name="block"),
    path("<int:pk>/report/", views.enquiry_report, name="report"),
    path("<int:pk>/broker/", views.enquiry_broker, name="broker"),
    path("<int:pk>/files/<int:file_id>/", views.attachment_download, name="file"),
    path("dropped/", views.dropped_batons, name="dropped"),
    path("reports/", views.reports, name="reports"),
    path("brokers/", views.brokers, name="brokers"),
    path("workspace/", views.workspace, name="workspace"),
    path("broker/<str:kind>/<int:pk>/", views.listing_broker, name="listing_broker"),
    path("introduce/<str:kind>/<int:pk>/", views.introduce, name="introduce"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction"),
    path("introductions/<int:pk>/respond/", views.introduction_respond, name="respond"),
]
