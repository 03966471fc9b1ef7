"""DocumentJob and WorkerHeartbeat moved from `assessments` to `documents` (issue 9 §6):
a database at the old schema migrates with its jobs, heartbeats, the permission Admin
DPMPPA holds on them and the tasks still queued. Runs on SQLite and PostgreSQL."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from documents.models import DocumentJob, WorkerHeartbeat
from documents.tasks import render_document
from rt_registry.roles import ADMIN_DPMPPA

BEFORE = [("assessments", "0009_visit_position_and_evidence_photos"), ("documents", None)]


def after():
    """Every app at its newest migration: the move, and what came after it (the tests
    that follow use today's tables)."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


OLD_TASK = "assessments.tasks.render_document"

# Migrations run outside a test transaction. serialized_rollback: the flush after a
# transactional test would drop migrated data (the roles' groups), as in test_worker.py.
migrating_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@migrating_db
def test_jobs_heartbeats_permissions_and_queued_tasks_survive_the_move(admin_dpmppa):
    old_apps = migrate(BEFORE)
    # The old schema: the models are assessments', with their content types.
    old_job_model = old_apps.get_model("assessments", "DocumentJob")
    old_job = old_job_model.objects.create(
        kind="berita_acara",
        subject="meeting:1",
        status="DONE",
        file="documents/2026/berita-acara.pdf",
        sha256="a" * 64,
        requested_by_id=admin_dpmppa.pk,
    )
    old_apps.get_model("assessments", "WorkerHeartbeat").objects.create(
        worker_id="w1",
        hostname="server",
        pid=7,
        started_at=timezone.now(),
        last_seen=timezone.now(),
    )
    old_type = ContentType.objects.get(app_label="assessments", model="documentjob")
    view_permission = Permission.objects.get(content_type=old_type, codename="view_documentjob")
    assert Group.objects.get(name=ADMIN_DPMPPA).permissions.filter(pk=view_permission.pk).exists()
    render_document.enqueue(old_job.pk)  # a task queued before the upgrade
    DBTaskResult.objects.update(task_path=OLD_TASK)

    migrate(after())

    job = DocumentJob.objects.get(pk=old_job.pk)
    assert (job.kind, job.subject, job.status, job.sha256) == (
        "berita_acara",
        "meeting:1",
        "DONE",
        "a" * 64,
    )
    assert job.file.name == "documents/2026/berita-acara.pdf"
    assert job.requested_by == admin_dpmppa
    assert WorkerHeartbeat.objects.get().worker_id == "w1"
    # The same content type and permission, now under `documents`: no second set.
    assert ContentType.objects.get_for_model(DocumentJob).pk == old_type.pk
    assert not ContentType.objects.filter(app_label="assessments", model="documentjob").exists()
    assert Permission.objects.get(codename="view_documentjob").pk == view_permission.pk
    admin_dpmppa = type(admin_dpmppa).objects.get(pk=admin_dpmppa.pk)
    assert admin_dpmppa.has_perm("documents.view_documentjob")
    assert DBTaskResult.objects.get().task_path == "documents.tasks.render_document"


@migrating_db
def test_the_move_migrates_backwards_too():
    migrate(BEFORE)
    assert ContentType.objects.filter(app_label="assessments", model="documentjob").exists()
    assert not ContentType.objects.filter(app_label="documents", model="documentjob").exists()
    migrate(after())
    assert ContentType.objects.filter(app_label="documents", model="workerheartbeat").exists()
