from django.urls import path

from jieli.evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("new/<int:achievement_id>/", views.evaluation_new, name="new"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/move/", views.evaluation_move, name="move"),
    path("<int:pk>/invite/", views.seat_invite, name="invite"),
    path("<int:pk>/respond/", views.seat_respond, name="respond"),
    path("<int:pk>/scores/", views.scores_submit, name="scores"),
    path("<int:pk>/reconsider/", views.reconsider, name="reconsider"),
    path("<int:pk>/valuation/<str:method>/", views.valuation_save, name="valuation"),
    path("<int:pk>/survey/", views.survey_save, name="survey"),
    path("<int:pk>/issue/", views.evaluation_issue, name="issue"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
]
