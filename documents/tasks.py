"""Background tasks (django-tasks; worker: `manage.py bantar_worker`). Arguments must be
JSON: pass ids, never model instances. See documents/jobs.py for document jobs."""

from django_tasks import task


@task(takes_context=True)
def render_document(context, job_id: int):
    from documents.jobs import run_document_job

    # The worker's id goes on the job, so a job left by a dead worker can be told apart.
    worker_ids = context.task_result.worker_ids
    run_document_job(job_id, worker_id=worker_ids[-1] if worker_ids else "")
