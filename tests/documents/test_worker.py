"""The background worker (`manage.py bantar_worker`, documents/worker.py): it outlives
database errors, beats a heartbeat, fails jobs a dead worker left running; the progress
page then offers "Buat ulang"."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from documents import jobs, worker
from documents.models import DocumentJob, WorkerHeartbeat


@pytest.fixture
def renderers(monkeypatch):
    monkeypatch.setitem(jobs.RENDERERS, "uji", "tests.documents.test_document_jobs.render_ok")


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# Tests that run the worker loop use real autocommit, as the worker does in production:
# inside a test transaction, closing a connection would leave it unusable.
# serialized_rollback: the flush after a transactional test would drop migrated data.
worker_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def no_sleep(monkeypatch):
    """The worker's waits, recorded instead of slept; a loop that spins fails the test."""
    slept = []

    def record(self, seconds):
        slept.append(seconds)
        if len(slept) > 50:
            raise RuntimeError("the worker keeps failing: " + repr(slept[-3:]))

    monkeypatch.setattr(worker.BantarWorker, "sleep", record)
    return slept


def run_worker():
    call_command("bantar_worker", "--batch", "--no-startup-delay", "--interval", "0")


def queue_job(user, capture, kind="uji"):
    with capture(execute=True):
        return jobs.start_document_job(kind=kind, subject="uji:1", by=user)


def make_heartbeat(*, worker_id, ago):
    seen = timezone.now() - ago
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="host", pid=1, started_at=seen, last_seen=seen
    )


def make_running_job(*, user, worker_id, started_ago):
    job = DocumentJob.objects.create(
        kind="uji", subject="uji:1", requested_by=user, status="RUNNING", worker_id=worker_id
    )
    DocumentJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - started_ago, progress=0, total=81
    )
    return job


def fail_first_calls(monkeypatch, owner, name, times, error):
    """Make owner.name raise `error` on its first `times` calls, as a dropped connection does."""
    original = getattr(owner, name)
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)
    return calls


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
    ],
)
@worker_db
def test_worker_survives_database_errors_and_completes_the_job(
    renderers,
    db_tasks,
    no_sleep,
    admin_dpmppa,
    django_capture_on_commit_callbacks,
    monkeypatch,
    caplog,
    error,
):
    job = queue_job(admin_dpmppa, django_capture_on_commit_callbacks)
    # The query that claims a task is where django_tasks_db's own loop dies.
    calls = fail_first_calls(monkeypatch, DBTaskResultQuerySet, "get_locked", 3, error)

    with caplog.at_level(logging.WARNING, logger="documents.worker"):
        run_worker()

    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE
    assert job.file.read().startswith(b"%PDF")
    assert calls["n"] > 3
    assert no_sleep[:3] == [1.0, 2.0, 4.0]  # backs off, doubling
    assert sum("Database unavailable" in r.getMessage() for r in caplog.records) == 3


@worker_db
def test_library_worker_dies_on_the_same_error(
    renderers,
    db_tasks,
    admin_dpmppa,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    """Why bantar_worker exists: db_worker re-raises a dropped connection and ends."""
    queue_job(admin_dpmppa, django_capture_on_commit_callbacks)
    error = OperationalError("server closed the connection unexpectedly")
    fail_first_calls(monkeypatch, DBTaskResultQuerySet, "get_locked", 1, error)

    with pytest.raises(OperationalError):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


@worker_db
def test_worker_survives_a_failed_heartbeat(
    renderers,
    db_tasks,
    no_sleep,
    admin_dpmppa,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    job = queue_job(admin_dpmppa, django_capture_on_commit_callbacks)
    fail_first_calls(monkeypatch, worker, "beat", 2, OperationalError("the database is down"))

    run_worker()

    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE
    assert no_sleep[:2] == [1.0, 2.0]


@worker_db
def test_worker_records_its_heartbeat_and_its_id_on_the_job(
    renderers,
    db_tasks,
    admin_dpmppa,
    django_capture_on_commit_callbacks,
):
    job = queue_job(admin_dpmppa, django_capture_on_commit_callbacks)

    run_worker()

    heartbeat = WorkerHeartbeat.objects.get()
    job.refresh_from_db()
    assert timezone.now() - heartbeat.last_seen < datetime.timedelta(seconds=10)
    assert job.worker_id == heartbeat.worker_id
    assert job.started_at is not None
    assert jobs.worker_state()["status"] == "ok"


def test_heartbeat_thread_beats_while_a_task_runs(admin_dpmppa, monkeypatch):
    monkeypatch.setattr(worker, "HEARTBEAT_EVERY", 0.01)
    beats = []
    monkeypatch.setattr(worker, "beat", beats.append)

    thread = worker.HeartbeatThread("w-long")
    thread.start()
    while len(beats) < 3:
        thread.stopped.wait(0.01)
    thread.stop()

    assert not thread.is_alive()
    assert set(beats) == {"w-long"}


def job_of_a_worker_last_seen(ago, *, user):
    """A job running for 5 minutes on a worker whose last beat was `ago`, after another
    worker starts."""
    make_heartbeat(worker_id="other", ago=ago)
    job = make_running_job(user=user, worker_id="other", started_ago=datetime.timedelta(minutes=5))
    run_worker()
    job.refresh_from_db()
    return job


@worker_db
def test_job_left_running_by_a_dead_worker_is_failed_on_start(renderers, db_tasks, admin_dpmppa):
    job = job_of_a_worker_last_seen(datetime.timedelta(minutes=5), user=admin_dpmppa)

    assert job.status == DocumentJob.Status.FAILED
    assert job.error == jobs.ABANDONED_MESSAGE
    assert "Buat ulang" in job.error
    assert not job.file
    assert job.finished_at is not None


@worker_db
def test_job_of_a_live_worker_is_left_running(renderers, db_tasks, admin_dpmppa):
    job = job_of_a_worker_last_seen(datetime.timedelta(seconds=3), user=admin_dpmppa)

    assert job.status == DocumentJob.Status.RUNNING
    assert job.error == ""


def test_own_job_cut_off_by_a_database_error_is_failed(admin_dpmppa):
    """Between tasks none of the calling worker's jobs is really running."""
    make_heartbeat(worker_id="me", ago=datetime.timedelta(seconds=1))
    job = make_running_job(user=admin_dpmppa, worker_id="me", started_ago=datetime.timedelta(0))

    assert jobs.fail_abandoned_jobs(current_worker_id="me") == 1

    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED


def test_task_row_of_a_dead_worker_is_failed(db_tasks, admin_dpmppa, monkeypatch):
    from documents.tasks import render_document

    result = render_document.enqueue(0)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("dead")
    make_heartbeat(worker_id="alive", ago=datetime.timedelta(seconds=1))

    worker.fail_abandoned_task_results(current_worker_id="me")

    row.refresh_from_db()
    assert row.status == "FAILED"
    assert "worker running this task stopped" in row.traceback


@worker_db
def test_abandoned_job_page_offers_remake_which_makes_the_document(
    renderers,
    db_tasks,
    client,
    admin_dpmppa,
    django_capture_on_commit_callbacks,
):
    make_heartbeat(worker_id="dead", ago=datetime.timedelta(minutes=5))
    job = make_running_job(
        user=admin_dpmppa, worker_id="dead", started_ago=datetime.timedelta(minutes=5)
    )
    run_worker()
    client.force_login(admin_dpmppa)

    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:remake", args=[job.pk]))
    run_worker()

    assert "berhenti di tengah jalan" in page
    assert reverse("documents:remake", args=[job.pk]) in page
    assert 'id="job-remake" method="post"' in page
    assert 'class="mb-3 d-none"' not in page
    new_job = DocumentJob.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:job", args=[new_job.pk])
    assert (new_job.kind, new_job.subject) == (job.kind, job.subject)
    assert new_job.status == DocumentJob.Status.DONE
    assert new_job.file.read().startswith(b"%PDF")
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED and not job.file


def test_done_job_offers_no_remake(client, admin_dpmppa):
    job = DocumentJob.objects.create(
        kind="uji", subject="uji:1", requested_by=admin_dpmppa, status="DONE"
    )
    client.force_login(admin_dpmppa)

    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    response = client.post(reverse("documents:remake", args=[job.pk]), follow=True)

    assert 'class="mb-3 d-none"' in page
    assert DocumentJob.objects.count() == 1
    assert "tidak perlu dibuat ulang" in response.content.decode()


def test_remake_needs_post(client, admin_dpmppa):
    job = DocumentJob.objects.create(
        kind="uji", subject="uji:1", requested_by=admin_dpmppa, status="FAILED"
    )
    client.force_login(admin_dpmppa)

    response = client.get(reverse("documents:remake", args=[job.pk]))

    assert response.status_code == 405
    assert DocumentJob.objects.count() == 1


def test_other_user_cannot_remake_a_job(client, admin_dpmppa, kelurahan_officer):
    job = DocumentJob.objects.create(
        kind="uji", subject="uji:1", requested_by=admin_dpmppa, status="FAILED"
    )
    client.force_login(kelurahan_officer)

    response = client.post(reverse("documents:remake", args=[job.pk]))

    assert response.status_code == 404
    assert DocumentJob.objects.count() == 1


def test_requester_may_remake_own_failed_job(
    renderers,
    immediate_tasks,
    client,
    kecamatan_officer,
    django_capture_on_commit_callbacks,
):
    job = DocumentJob.objects.create(
        kind="uji", subject="uji:1", requested_by=kecamatan_officer, status="FAILED"
    )
    client.force_login(kecamatan_officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:remake", args=[job.pk]))

    new_job = DocumentJob.objects.exclude(pk=job.pk).get()
    assert new_job.status == DocumentJob.Status.DONE
    assert new_job.requested_by == kecamatan_officer


def test_finalising_job_is_remade_only_by_someone_who_may_still_finalise(client, kecamatan_officer):
    # A kecamatan officer may not change decrees: even as the job's requester, remaking
    # a failed "decree-final" job (which finalises the SK) is refused and starts nothing.
    job = DocumentJob.objects.create(
        kind="decree-final", subject="decree:1", requested_by=kecamatan_officer, status="FAILED"
    )
    client.force_login(kecamatan_officer)

    response = client.post(reverse("documents:remake", args=[job.pk]), follow=True)

    assert "Anda tidak berhak menetapkan SK" in response.content.decode()
    assert DocumentJob.objects.count() == 1


def test_queued_job_page_says_when_the_worker_is_silent(client, admin_dpmppa):
    make_heartbeat(worker_id="old", ago=datetime.timedelta(minutes=10))
    job = DocumentJob.objects.create(kind="uji", subject="uji:1", requested_by=admin_dpmppa)
    client.force_login(admin_dpmppa)

    state = client.get(reverse("documents:status", args=[job.pk])).json()

    assert state["error"].startswith("Pembuat dokumen (worker) tidak berjalan sejak ")
    assert "Hubungi admin TI" in state["error"]
    assert state["can_remake"] is False


def test_queued_job_page_is_quiet_while_the_worker_beats(client, admin_dpmppa):
    make_heartbeat(worker_id="live", ago=datetime.timedelta(seconds=5))
    job = DocumentJob.objects.create(kind="uji", subject="uji:1", requested_by=admin_dpmppa)
    client.force_login(admin_dpmppa)

    state = client.get(reverse("documents:status", args=[job.pk])).json()

    assert state["error"] == ""


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="hanya untuk PostgreSQL")
@worker_db
def test_worker_completes_a_job_after_its_connection_is_terminated(
    renderers,
    db_tasks,
    no_sleep,
    monkeypatch,
):
    """A restart as the worker sees it: its backend is terminated, then the server
    refuses connections for a while (django_tasks_db's db_worker dies right there)."""
    import psycopg2

    from tests import factories

    user = factories.make_user(username="admin.pg", role="Admin DPMPPA")
    first = jobs.start_document_job(kind="uji", subject="uji:1", by=user)
    second = jobs.start_document_job(kind="uji", subject="uji:2", by=user)
    original = worker.BantarWorker.run_task
    cut = []

    def run_task_then_restart(self, db_task_result):
        original(self, db_task_result)
        if cut:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            cut.append(cursor.fetchone()[0])
        other = psycopg2.connect(**connection.get_connection_params())
        other.autocommit = True
        other.cursor().execute("SELECT pg_terminate_backend(%s)", [cut[0]])
        other.close()
        refused = psycopg2.OperationalError("the database system is starting up")
        wrapper = type(connections["default"])
        fail_first_calls(monkeypatch, wrapper, "get_new_connection", 2, refused)

    monkeypatch.setattr(worker.BantarWorker, "run_task", run_task_then_restart)

    run_worker()

    assert cut
    assert DocumentJob.objects.get(pk=first.pk).status == DocumentJob.Status.DONE
    assert DocumentJob.objects.get(pk=second.pk).status == DocumentJob.Status.DONE
    assert no_sleep[:2] == [1.0, 2.0]  # refused twice, then reconnected
