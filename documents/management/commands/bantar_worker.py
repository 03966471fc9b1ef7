"""`manage.py bantar_worker`: the background worker for long PDFs. Same options as
django_tasks_db's `db_worker`, but it survives a database restart, records a heartbeat
and fails jobs a dead worker left running (documents/worker.py).

A separate name rather than an override of `db_worker`: which of two same-named commands
wins depends on INSTALLED_APPS order, and `db_worker` stays the library's plain loop."""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from documents.worker import BantarWorker


class Command(db_worker.Command):
    help = "Run the background worker (long PDFs); survives database restarts."

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = BantarWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
