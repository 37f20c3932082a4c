from django.urls import path

from jieli.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/move/", views.event_move, name="move"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/registrations/<int:reg_id>/", views.registration_decide, name="decide"),
    path("<int:pk>/suggestions/", views.suggestions, name="suggestions"),
    path("<int:pk>/requests/", views.requests, name="requests"),
    path("<int:pk>/requests/send/", views.request_send, name="request_send"),
    path("<int:pk>/requests/<int:request_id>/answer/", views.request_answer, name="answer"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/runs/", views.runs, name="runs"),
    path("<int:pk>/announce/", views.announce, name="announce"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/meetings/<int:meeting_id>/move/", views.meeting_move, name="meeting_move"),
    path("<int:pk>/meetings/<int:meeting_id>/outcome/", views.outcome, name="outcome"),
    path("<int:pk>/meetings/<int:meeting_id>/project/", views.open_project, name="open_project"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/walkin/", views.walkin, name="walkin"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/agenda.ics", views.agenda_download, name="agenda_ics"),
    path("<int:pk>/agenda.pdf", views.agenda_pdf_download, name="agenda_pdf"),
    path("<int:pk>/qr.svg", views.qr, name="qr"),
    path("<int:pk>/report/", views.report, name="report"),
]
