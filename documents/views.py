"""Progress page, status, "Buat ulang" and download of background documents
(documents/jobs.py). Only the requester or an Admin DPMPPA sees a job (or remakes it);
anyone else gets a 404. The page links back to the document's object and on to the next
step of the office flow (jobs.job_links: each kind's own links, written beside its
renderer), so it is never a dead end."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from documents.jobs import (
    KIND_LABELS,
    job_links,
    remake_document_job,
    worker_down_message,
    worker_state,
)
from documents.models import DocumentJob
from rt_registry.roles import is_admin_dpmppa
from stored_files.views import stored_file_download


def get_job_for_user(request, job_id):
    job = get_object_or_404(DocumentJob, pk=job_id)
    if not (job.requested_by_id == request.user.pk or is_admin_dpmppa(request.user)):
        raise Http404("Dokumen tidak ditemukan.")
    return job


STALE_MESSAGE = (
    "Dokumen belum selesai 30 menit setelah mulai dibuat; proses pembuat dokumen mungkin "
    "berhenti. Klik Buat ulang, atau hubungi admin TI bila terulang."
)


def job_state(job):
    done = job.status == DocumentJob.Status.DONE
    error = job.error or (STALE_MESSAGE if job.is_stale() else "")
    if not error and job.status == DocumentJob.Status.QUEUED:
        error = worker_down_message(worker_state())
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "total": job.total,
        "percent": 100 if done else (int(job.progress * 100 / job.total) if job.total else 0),
        "error": error,
        "download_url": reverse("documents:download", args=[job.pk]) if done else "",
        "can_remake": job.can_be_remade(),
    }


@login_required
def document_job(request, job_id):
    job = get_job_for_user(request, job_id)
    return render(
        request,
        "documents/document_job.html",
        {
            "job": job,
            "state": job_state(job),
            "kind_label": KIND_LABELS.get(job.kind, job.kind),
            "links": job_links(job),
        },
    )


def document_job_status(request, job_id):
    # JSON for the polling page: an expired session answers 401, not a login redirect.
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Sesi berakhir, silakan masuk lagi."}, status=401)
    return JsonResponse(job_state(get_job_for_user(request, job_id)))


@login_required
@require_POST
def document_remake(request, job_id):
    job = get_job_for_user(request, job_id)
    try:
        new_job = remake_document_job(job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("documents:job", job.pk)
    return redirect("documents:job", new_job.pk)


@login_required
def document_download(request, job_id):
    job = get_job_for_user(request, job_id)
    if job.status != DocumentJob.Status.DONE or not job.file:
        raise Http404("Dokumen belum selesai dibuat.")
    name = job.filename or os.path.basename(job.file.name)
    return stored_file_download(request, job.file, filename=name)
