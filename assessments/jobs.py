"""Long documents rendered by the background worker, with progress.

    job = start_document_job(kind="berita_acara", subject=f"meeting:{meeting.pk}", by=user)
    return redirect("assessments:document-job", job.pk)   # the progress page

The web request only creates a `DocumentJob` and enqueues `tasks.render_document` (after
the transaction commits, so the worker always finds the row). The worker
(`manage.py db_worker`) runs the renderer named in RENDERERS for the job's kind; the
file and its SHA-256 are stored only when the renderer returns, a failure leaves status
FAILED with the error text and no file.

Adding a renderer (awards: "decree", "certificates"):
1. Write `render_<x>_job(job) -> (filename, pdf_bytes)` in your module. Read what you
   need from `job.subject` (a string you chose, e.g. "decree:7"); check nothing about the
   user there — the view that calls start_document_job has already checked scope.
   For long documents call `job_progress(job, done, total)` now and then.
   Raise `ValidationError("<pesan Indonesia>")` for a refusal the user should read.
2. Add one line to RENDERERS: `"decree": "awards.documents.render_decree_job"`.
3. In your view/admin action: `job = start_document_job(kind="decree", subject=..., by=user)`
   and redirect to `reverse("assessments:document-job", args=[job.pk])`.
Tests: the fixture `immediate_tasks` (tests/conftest.py) runs tasks synchronously; wrap
the call in `django_capture_on_commit_callbacks(execute=True)`.
"""

import logging
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from assessments.models import DocumentJob
from assessments.pdf import sha256_hex

logger = logging.getLogger(__name__)

# kind -> dotted path of `renderer(job) -> (filename, pdf_bytes)`.
RENDERERS = {
    "berita_acara": "assessments.documents.render_berita_acara_job",
    "decree": "awards.pdf.render_decree_job",
    "decree-final": "awards.pdf.finalise_decree_job",
    "certificates": "awards.certificates.render_certificates_job",
}

KIND_LABELS = {
    "berita_acara": "Berita Acara Rapat",
    "decree": "Keputusan Wali Kota (SK)",
    "decree-final": "Penetapan SK Wali Kota (final)",
    "certificates": "Piagam Penghargaan",
}


def start_document_job(*, kind, subject, by) -> DocumentJob:
    if kind not in RENDERERS:
        raise ValidationError(f"Jenis dokumen tidak dikenal: {kind}.", code="unknown_kind")
    from assessments.tasks import render_document

    job = DocumentJob.objects.create(kind=kind, subject=subject, requested_by=by)
    job_id = job.pk
    transaction.on_commit(lambda: render_document.enqueue(job_id))
    return job


def job_progress(job, done, total):
    """Record progress; called by renderers. A plain update: DocumentJob has no history."""
    job.progress, job.total = done, total
    DocumentJob.objects.filter(pk=job.pk).update(progress=done, total=total)


def run_document_job(job_id):
    """What the worker does for one job (tasks.render_document)."""
    job = DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.QUEUED).first()
    if job is None:
        # Already run (a retried task) or deleted: never render twice.
        logger.info("Document job %s is not queued; skipped.", job_id)
        return
    job.status = DocumentJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        renderer = import_string(RENDERERS[job.kind])
        filename, data = renderer(job)
    except Exception as exc:
        logger.exception("Document job %s (%s %s) failed", job.pk, job.kind, job.subject)
        job.refresh_from_db(fields=["progress", "total"])
        job.status = DocumentJob.Status.FAILED
        job.error = error_text(exc)
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return
    job.refresh_from_db(fields=["progress", "total"])
    job.file.save(os.path.basename(filename), ContentFile(data), save=False)
    job.sha256 = sha256_hex(data)
    job.status = DocumentJob.Status.DONE
    job.progress = job.total = max(job.total, 1)
    job.finished_at = timezone.now()
    job.save()


def error_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return f"Terjadi kesalahan saat membuat dokumen ({type(exc).__name__}: {exc})."
