"""Background tasks (django-tasks; worker: `manage.py db_worker`). Arguments must be
JSON: pass ids, never model instances. See assessments/jobs.py for document jobs."""

from django_tasks import task


@task()
def render_document(job_id: int):
    from assessments.jobs import run_document_job

    run_document_job(job_id)
