from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    # Progress page, status JSON (polled), "Buat ulang", download.
    path("dokumen/<int:job_id>/", views.document_job, name="job"),
    path("dokumen/<int:job_id>/status", views.document_job_status, name="status"),
    path("dokumen/<int:job_id>/buat-ulang", views.document_remake, name="remake"),
    path("dokumen/<int:job_id>/unduh", views.document_download, name="download"),
]
