from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("penilaian/", views.assessor_home, name="assessor-home"),
    path("indikator/", views.indicator_list, name="indicator-list"),
]
