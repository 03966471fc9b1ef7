"""Background documents: a DocumentJob is one long PDF made by the worker, with its
progress, file and SHA-256; a WorkerHeartbeat row says a worker process is alive.
Both tables keep their `assessments_` names (the models moved here in issue 9)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class DocumentJob(models.Model):
    """A long PDF rendered off the request by the background worker, with progress.
    The file appears only when complete; a failure keeps the error, never a half file."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED", "Menunggu"
        RUNNING = "RUNNING", "Sedang dibuat"
        DONE = "DONE", "Selesai"
        FAILED = "FAILED", "Gagal"

    kind = models.CharField("jenis", max_length=40)
    # The object the document is about, e.g. "meeting:3", "decree:7", "certificates:cycle:2".
    subject = models.CharField(max_length=80, db_index=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="documents/%Y/", blank=True)
    # The name the document is downloaded under; the stored file's own name may carry a
    # suffix the storage adds when an earlier version of the document holds the plain one.
    filename = models.CharField("nama berkas", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a worker picks the job up: staleness counts from here, not from creation.
    started_at = models.DateTimeField(null=True, blank=True)
    # The worker process rendering it (WorkerHeartbeat.worker_id): a RUNNING job whose
    # worker no longer beats was abandoned (jobs.fail_abandoned_jobs).
    worker_id = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table keeps its name from when the model lived in `assessments`
        # (migrations documents/0001 and assessments/0010 moved only the model's state).
        db_table = "assessments_documentjob"
        ordering = ["-created_at"]
        verbose_name = "pembuatan dokumen"
        verbose_name_plural = "pembuatan dokumen"

    # A job still unfinished this long after its start has lost its worker.
    STALE_AFTER = datetime.timedelta(minutes=30)

    def __str__(self):
        return f"{self.kind} {self.subject} ({self.get_status_display()})"

    def is_stale(self):
        return (
            self.status == self.Status.RUNNING
            and self.started_at is not None
            and timezone.now() - self.started_at > self.STALE_AFTER
        )

    def can_be_remade(self):
        """A failed or stale job may be made again ("Buat ulang"); a done one never."""
        return self.status == self.Status.FAILED or self.is_stale()


class WorkerHeartbeatQuerySet(models.QuerySet):
    def alive(self, *, within):
        """Workers that beat within the last `within` (a timedelta)."""
        return self.filter(last_seen__gte=timezone.now() - within)


class WorkerHeartbeat(models.Model):
    """One row per background worker process (`manage.py bantar_worker`), touched every
    few seconds while it runs, even during a long job. /healthz, the work panel and the
    progress page read it to say whether PDFs are being made at all."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        db_table = "assessments_workerheartbeat"
        ordering = ["-last_seen"]
        verbose_name = "denyut pekerja latar"
        verbose_name_plural = "denyut pekerja latar"

    def __str__(self):
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
