"""Long documents rendered by the background worker, with progress.

    job = start_document_job(kind="berita_acara", subject=f"meeting:{meeting.pk}", by=user)
    return redirect("documents:job", job.pk)   # the progress page

The web request only creates a `DocumentJob` and enqueues `tasks.render_document` (after
the transaction commits, so the worker always finds the row). The worker
(`manage.py bantar_worker`, documents/worker.py) runs the renderer named in RENDERERS
for the job's kind; the file and its SHA-256 are stored only when the renderer returns, a
failure leaves status FAILED with the error text and no file.

A worker that dies mid-job (killed, database gone) leaves the job RUNNING; the next
worker loop fails it with ABANDONED_MESSAGE (`fail_abandoned_jobs`), and the progress
page offers "Buat ulang" (`remake_document_job`). `worker_state()` tells /healthz, the
work panel and the progress page whether any worker beats at all.

Adding a renderer (awards: "decree", "certificates"):
1. Write `render_<x>_job(job) -> (filename, pdf_bytes)` in your module. Read what you
   need from `job.subject` (a string you chose, e.g. "decree:7"); check nothing about the
   user there — the view that calls start_document_job has already checked scope.
   For long documents call `job_progress(job, done, total)` now and then.
   Raise `ValidationError("<pesan Indonesia>")` for a refusal the user should read.
2. Add one line to RENDERERS: `"decree": "awards.decree_jobs.render_decree_job"`, and
   to LINKS the function giving the progress page's links (`job_links(job)` beside it).
3. In your view/admin action: `job = start_document_job(kind="decree", subject=..., by=user)`
   and redirect to `reverse("documents:job", args=[job.pk])`.
Tests: the fixture `immediate_tasks` (tests/conftest.py) runs tasks synchronously; wrap
the call in `django_capture_on_commit_callbacks(execute=True)`.
"""

import datetime
import logging
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.module_loading import import_string

from documents.models import DocumentJob, WorkerHeartbeat
from documents.pdf import sha256_hex

logger = logging.getLogger(__name__)

# kind -> dotted path of `renderer(job) -> (filename, pdf_bytes)`.
RENDERERS = {
    "berita_acara": "assessments.berita_acara.render_berita_acara_job",
    "decree": "awards.decree_jobs.render_decree_job",
    "decree-final": "awards.decree_jobs.finalise_decree_job",
    "certificates": "awards.certificates.render_certificates_job",
}

# kind -> dotted path of `links(job) -> [(label, url)]` for the progress page: back to the
# document's object, then the office flow's next step (never a dead end).
LINKS = {
    "berita_acara": "assessments.berita_acara.job_links",
    "decree": "awards.decree_jobs.job_links",
    "decree-final": "awards.decree_jobs.job_links",
    "certificates": "awards.certificates.job_links",
}

KIND_LABELS = {
    "berita_acara": "Berita Acara Rapat",
    "decree": "Keputusan Wali Kota (SK)",
    "decree-final": "Penetapan SK Wali Kota (final)",
    "certificates": "Piagam Penghargaan",
}


def job_links(job):
    path = LINKS.get(job.kind)
    return import_string(path)(job) if path else []


def start_document_job(*, kind, subject, by) -> DocumentJob:
    if kind not in RENDERERS:
        raise ValidationError(f"Jenis dokumen tidak dikenal: {kind}.", code="unknown_kind")
    from documents.tasks import render_document

    job = DocumentJob.objects.create(kind=kind, subject=subject, requested_by=by)
    job_id = job.pk
    transaction.on_commit(lambda: render_document.enqueue(job_id))
    return job


def job_progress(job, done, total):
    """Record progress; called by renderers. A plain update: DocumentJob has no history."""
    job.progress, job.total = done, total
    DocumentJob.objects.filter(pk=job.pk).update(progress=done, total=total)


# Kinds whose job changes records, not only draws them: remaking one asks again for the
# permission its start needed (the requester may have lost it since).
REMAKE_PERMISSIONS = {"decree-final": "awards.change_decree"}


def remake_document_job(job, *, by) -> DocumentJob:
    """ "Buat ulang": a fresh job for the same document; the old one is left as it is."""
    if not job.can_be_remade():
        raise ValidationError(
            "Dokumen ini tidak perlu dibuat ulang: sudah selesai atau masih dikerjakan.",
            code="not_remakeable",
        )
    permission = REMAKE_PERMISSIONS.get(job.kind)
    if permission and not by.has_perm(permission):
        raise ValidationError(
            "Anda tidak berhak menetapkan SK. Minta Admin DPMPPA membuat ulang dokumen ini.",
            code="not_permitted",
        )
    return start_document_job(kind=job.kind, subject=job.subject, by=by)


def run_document_job(job_id, *, worker_id=""):
    """What the worker does for one job (tasks.render_document)."""
    job = DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.QUEUED).first()
    if job is None:
        # Already run (a retried task) or deleted: never render twice.
        logger.info("Document job %s is not queued; skipped.", job_id)
        return
    job.status = DocumentJob.Status.RUNNING
    job.started_at = timezone.now()
    job.worker_id = worker_id
    job.save(update_fields=["status", "started_at", "worker_id"])
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
    job.filename = os.path.basename(filename)
    job.file.save(job.filename, ContentFile(data), save=False)
    job.sha256 = sha256_hex(data)
    job.status = DocumentJob.Status.DONE
    job.progress = job.total = max(job.total, 1)
    job.finished_at = timezone.now()
    job.save()


def error_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return f"Terjadi kesalahan saat membuat dokumen ({type(exc).__name__}: {exc})."


# Shown on the progress page of a job whose worker died while rendering it.
ABANDONED_MESSAGE = (
    "Proses pembuat dokumen berhenti di tengah jalan (pekerja latar mati atau dimulai "
    "ulang), jadi dokumen ini tidak selesai. Silakan klik Buat ulang."
)

# A worker that has not beaten for this long is dead; it beats every few seconds.
WORKER_ALIVE_WITHIN = datetime.timedelta(seconds=30)

# A queued job younger than this is not yet "waiting" for /healthz: the worker polls.
JOB_WAIT_GRACE = datetime.timedelta(seconds=60)


def fail_abandoned_jobs(*, current_worker_id):
    """Fail RUNNING jobs whose worker no longer beats, and those of the calling worker
    (it calls this between tasks, so none of its own is really running). Returns how many."""
    alive = other_live_worker_ids(current_worker_id)
    count = (
        DocumentJob.objects.filter(status=DocumentJob.Status.RUNNING)
        .exclude(worker_id__in=alive)
        .update(
            status=DocumentJob.Status.FAILED,
            error=ABANDONED_MESSAGE,
            finished_at=timezone.now(),
        )
    )
    if count:
        logger.warning("Failed %d document job(s) left running by a dead worker.", count)
    return count


def other_live_worker_ids(current_worker_id):
    ids = WorkerHeartbeat.objects.alive(within=WORKER_ALIVE_WITHIN).values_list(
        "worker_id", flat=True
    )
    return set(ids) - {current_worker_id}


def worker_state():
    """{"status": "ok" | "silent" | "never", "last_seen": datetime | None,
    "jobs_waiting": n}: is any worker beating, and how many jobs wait past the grace."""
    last = WorkerHeartbeat.objects.values_list("last_seen", flat=True).first()
    now = timezone.now()
    if last is None:
        status = "never"
    elif now - last > datetime.timedelta(seconds=settings.WORKER_SILENT_AFTER):
        status = "silent"
    else:
        status = "ok"
    waiting = DocumentJob.objects.filter(
        status=DocumentJob.Status.QUEUED, created_at__lt=now - JOB_WAIT_GRACE
    ).count()
    return {"status": status, "last_seen": last, "jobs_waiting": waiting}


def worker_down_message(state):
    """The plain words for "no worker is making PDFs", or "" while one is (one meaning:
    used by the progress page and the work panel)."""
    if state["status"] == "ok":
        return ""
    since = (
        f" sejak {formats.date_format(timezone.localtime(state['last_seen']), 'j F Y, H:i')} WIB"
        if state["last_seen"]
        else ""
    )
    return (
        f"Pembuat dokumen (worker) tidak berjalan{since}: dokumen PDF tidak akan dibuat. "
        "Hubungi admin TI."
    )
