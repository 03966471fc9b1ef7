"""/healthz as JSON: database and background worker. 503 while documents wait and no
worker beats; a silent worker with nothing waiting is reported, still 200."""

import datetime

import pytest
from django.utils import timezone

from documents.models import DocumentJob, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def make_heartbeat(*, ago):
    seen = timezone.now() - ago
    return WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="host", pid=1, started_at=seen, last_seen=seen
    )


def make_queued_job(*, ago):
    job = DocumentJob.objects.create(kind="uji", subject="uji:1")
    DocumentJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - ago)
    return job


def test_healthz_ok_when_worker_beats(client):
    beat = make_heartbeat(ago=datetime.timedelta(seconds=5))
    make_queued_job(ago=datetime.timedelta(minutes=5))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "worker": {"status": "ok", "last_seen": beat.last_seen.isoformat(), "jobs_waiting": 1},
    }


def test_healthz_503_when_jobs_wait_and_worker_is_silent(client, settings):
    settings.WORKER_SILENT_AFTER = 180
    make_heartbeat(ago=datetime.timedelta(seconds=181))
    make_queued_job(ago=datetime.timedelta(minutes=2))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["worker"]["status"] == "silent"
    assert response.json()["worker"]["jobs_waiting"] == 1


def test_healthz_worker_within_silent_after_is_ok(client, settings):
    settings.WORKER_SILENT_AFTER = 180
    make_heartbeat(ago=datetime.timedelta(seconds=170))
    make_queued_job(ago=datetime.timedelta(minutes=2))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "ok"


def test_healthz_silent_worker_with_nothing_waiting_is_200_but_reported(client):
    make_heartbeat(ago=datetime.timedelta(hours=1))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "silent"
    assert response.json()["worker"]["jobs_waiting"] == 0


def test_healthz_503_when_worker_never_ran_and_jobs_wait(client):
    make_queued_job(ago=datetime.timedelta(minutes=2))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["worker"] == {"status": "never", "last_seen": None, "jobs_waiting": 1}


def test_healthz_fresh_job_is_not_yet_waiting(client):
    make_queued_job(ago=datetime.timedelta(seconds=10))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["worker"]["jobs_waiting"] == 0
