"""Progress page, status and download of background documents (assessments/jobs.py).
Only the requester or an Admin DPMPPA sees a job; anyone else gets a 404."""

import datetime
import os

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from assessments.jobs import KIND_LABELS
from assessments.models import DocumentJob
from rt_registry.roles import is_admin_dpmppa
from stored_files.views import stored_file_download


def get_job_for_user(request, job_id):
    job = get_object_or_404(DocumentJob, pk=job_id)
    if not (job.requested_by_id == request.user.pk or is_admin_dpmppa(request.user)):
        raise Http404("Dokumen tidak ditemukan.")
    return job


# A job still waiting or running after this long has lost its worker (stopped, restarted).
STALE_AFTER = datetime.timedelta(minutes=30)


def job_state(job):
    done = job.status == DocumentJob.Status.DONE
    unfinished = job.status in (DocumentJob.Status.QUEUED, DocumentJob.Status.RUNNING)
    stale = unfinished and timezone.now() - job.created_at > STALE_AFTER
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "total": job.total,
        "percent": 100 if done else (int(job.progress * 100 / job.total) if job.total else 0),
        "error": job.error
        or (
            "Dokumen belum selesai setelah 30 menit; pekerja latar (db_worker) mungkin "
            "berhenti. Buat ulang dokumen, atau minta admin sistem memeriksa pekerja latar."
            if stale
            else ""
        ),
        "download_url": reverse("assessments:document-download", args=[job.pk]) if done else "",
    }


@login_required
def document_job(request, job_id):
    job = get_job_for_user(request, job_id)
    return render(
        request,
        "assessments/document_job.html",
        {"job": job, "state": job_state(job), "kind_label": KIND_LABELS.get(job.kind, job.kind)},
    )


def document_job_status(request, job_id):
    # JSON for the polling page: an expired session answers 401, not a login redirect.
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Sesi berakhir, silakan masuk lagi."}, status=401)
    return JsonResponse(job_state(get_job_for_user(request, job_id)))


@login_required
def document_download(request, job_id):
    job = get_job_for_user(request, job_id)
    if job.status != DocumentJob.Status.DONE or not job.file:
        raise Http404("Dokumen belum selesai dibuat.")
    return stored_file_download(request, job.file, filename=os.path.basename(job.file.name))
