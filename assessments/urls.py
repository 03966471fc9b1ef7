from django.urls import path

from assessments import (  # noqa: F401
    evidence_views,
    offline_views,
    recap_views,
    scoring_views,
    views,
)

app_name = "assessments"

urlpatterns = [
    path("indikator/", views.indicator_list, name="indicator-list"),
    # Tablet scoring (scoring_views.py)
    path("penilaian/", scoring_views.assessor_home, name="assessor-home"),
    path("penilaian/<int:proposal_id>/", scoring_views.scoring_sheet, name="scoring-sheet"),
    path("penilaian/<int:proposal_id>/simpan/", scoring_views.save_sheet_api, name="scoring-save"),
    path(
        "penilaian/<int:proposal_id>/konflik/",
        scoring_views.declare_conflict_view,
        name="scoring-conflict",
    ),
    # The visit's photos (evidence_views.py): only in scope, never a public address.
    path("penilaian/foto/<int:photo_id>/", evidence_views.evidence_photo, name="evidence-photo"),
    path(
        "penilaian/usulan/<int:proposal_id>/foto/",
        evidence_views.proposal_photos,
        name="proposal-photos",
    ),
    # The offline app (offline_views.py): worker, install manifest, pages to keep.
    path("penilaian/sw.js", offline_views.service_worker, name="service-worker"),
    path("penilaian/manifest.webmanifest", offline_views.web_manifest, name="web-manifest"),
    path(
        "penilaian/offline-manifest.json",
        offline_views.offline_manifest,
        name="offline-manifest",
    ),
    # Recap, meeting, berita acara (recap_views.py)
    path("rekap/<int:cycle_id>/", recap_views.recap_page, name="recap"),
    path("rekap/<int:cycle_id>/xlsx", recap_views.recap_xlsx, name="recap-xlsx"),
    path("rapat/<int:cycle_id>/keputusan/", recap_views.decision_page, name="decisions"),
    path(
        "rapat/<int:cycle_id>/berita-acara/",
        recap_views.berita_acara_start,
        name="berita-acara-start",
    ),
]
