from django.urls import path

from assessments import recap_views, scoring_views, views  # noqa: F401

app_name = "assessments"

urlpatterns = [
    path("indikator/", views.indicator_list, name="indicator-list"),
    # Tablet scoring (scoring_views.py)
    path("penilaian/", scoring_views.assessor_home, name="assessor-home"),
    # Recap, meeting, berita acara (recap_views.py)
]
