"""The background worker loop (`manage.py bantar_worker`): django_tasks_db's worker made
to survive faults.

- A database error (PostgreSQL restarted, connection cut) never ends the process: the
  loop logs it, closes the connections, waits (1 s, doubling to 60 s) and goes on.
  django_tasks_db's own loop re-raises such errors and the process dies.
- A heartbeat row (WorkerHeartbeat) is touched every HEARTBEAT_EVERY seconds by the
  loop, and by a small thread while a task runs, so a long job does not look silent.
- On start, after a database error and every RECOVER_EVERY seconds, jobs left RUNNING
  by a dead worker are failed with a message the progress page shows
  (jobs.fail_abandoned_jobs); their task rows are failed too.
"""

import datetime
import logging
import os
import random
import socket
import threading
import time

from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
)
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from documents.jobs import fail_abandoned_jobs, other_live_worker_ids
from documents.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5  # seconds; well under jobs.WORKER_ALIVE_WITHIN
RECOVER_EVERY = 60  # seconds
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 60.0
# Rows of workers gone this long are deleted on start.
FORGET_WORKERS_AFTER_DAYS = 7


def close_connections():
    """Drop every connection of this thread; the next query opens a fresh one."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DatabaseError:
            # Closing a connection the server already dropped may itself fail.
            pass


def beat(worker_id):
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            last_seen=now,
        )


class HeartbeatThread(threading.Thread):
    """Beats while the main thread renders a task (WeasyPrint may take minutes)."""

    def __init__(self, worker_id):
        super().__init__(name="bantar-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(HEARTBEAT_EVERY):
                try:
                    beat(self.worker_id)
                except DatabaseError as exc:
                    logger.warning("Heartbeat failed (%s); database unavailable?", exc)
                    close_connections()
        finally:
            close_connections()

    def stop(self):
        self.stopped.set()
        self.join(timeout=HEARTBEAT_EVERY * 2)


class BantarWorker(Worker):
    """django_tasks_db's Worker with our loop: heartbeat, recovery, reconnect on errors.
    Claiming and running a task (run_task) stay the library's."""

    def run(self):
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # several workers starting together spread out
        self.next_beat = self.next_recovery = 0.0
        backoff = BACKOFF_FIRST
        forgotten = False
        while self.running:
            try:
                if not forgotten:
                    forget_old_workers()
                    forgotten = True
                self.keep_alive()
                ran = self.run_one()
                backoff = BACKOFF_FIRST
            except (OperationalError, InterfaceError) as exc:
                logger.warning(
                    "Database unavailable (%s: %s); reconnecting in %.0f s.",
                    type(exc).__name__,
                    str(exc).strip(),
                    backoff,
                )
                close_connections()
                # After the database is back: beat at once and fail what was cut off.
                self.next_beat = self.next_recovery = 0.0
                self.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            if self.batch and not ran:
                logger.info("No more tasks to run for worker_id=%s; exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info(
                    "Ran %d tasks on worker_id=%s; exiting.", self._run_tasks, self.worker_id
                )
                return
            if self.running and not ran:
                self.sleep(self.interval)

    def sleep(self, seconds):
        time.sleep(seconds)

    def keep_alive(self):
        now = time.monotonic()
        if now >= self.next_beat:
            beat(self.worker_id)
            self.next_beat = now + HEARTBEAT_EVERY
        if now >= self.next_recovery:
            fail_abandoned_jobs(current_worker_id=self.worker_id)
            fail_abandoned_task_results(current_worker_id=self.worker_id)
            self.next_recovery = now + RECOVER_EVERY

    def run_one(self):
        """Claim one ready task and run it; False when there was none."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is None:
            return False
        beating = HeartbeatThread(self.worker_id)
        beating.start()
        try:
            self.run_task(task_result)
        finally:
            beating.stop()
        return True


def forget_old_workers():
    cutoff = timezone.now() - datetime.timedelta(days=FORGET_WORKERS_AFTER_DAYS)
    WorkerHeartbeat.objects.filter(last_seen__lt=cutoff).delete()


def fail_abandoned_task_results(*, current_worker_id):
    """The task rows behind abandoned jobs: django_tasks_db would show them RUNNING forever."""
    alive = other_live_worker_ids(current_worker_id)
    for result in DBTaskResult.objects.running():
        if not result.worker_ids or result.worker_ids[-1] not in alive:
            result.set_failed(RuntimeError("The worker running this task stopped."))
