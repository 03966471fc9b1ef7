"""Shared set-up for the benchmarks: a throwaway database (never the dev db.sqlite3),
Django set up, migrations run, and helpers to time a call and count its queries.

Import this module before anything from Django:

    from _bench import django_ready, measure
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Always a throwaway database: BENCH_DATABASE_URL or a SQLite file in /tmp. The
# DATABASE_URL of the shell is ignored on purpose, so a benchmark never touches the
# dev or production database.
BENCH_SQLITE = Path(os.environ.get("BENCH_SQLITE", "/tmp/bench.sqlite3"))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{BENCH_SQLITE}")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bantar.settings")
os.environ.setdefault("MEDIA_ROOT", "/tmp/bench-media")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def django_ready(*, fresh=True):
    """Set Django up on the throwaway database, migrated; `fresh` starts from empty."""
    if fresh and "BENCH_DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{BENCH_SQLITE}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if fresh and connection.vendor == "postgresql":
        # Empty it the way a new database is empty, so data migrations run again.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", interactive=False, verbosity=0)


def measure(label, fn, *, repeat=1):
    """Run fn() `repeat` times; print the best wall time, the CPU time of that run (this
    process only: on a busy shared machine it is the better guide to what an idle one
    would take, since everything here runs in-process, single-threaded) and the query
    count; return (result, wall seconds, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    result = None
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start, cpu_start = time.perf_counter(), time.process_time()
            result = fn()
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        queries = len(ctx.captured_queries)
        if best is None or wall < best[0]:
            best = (wall, cpu)
    print(f"{label}: {best[0]:.2f} s wall, {best[1]:.2f} s CPU, {queries} queries")
    return result, best[0], queries


def seed_registry():
    """The demo registry (68 kelurahan, ~1,650 RTs) and demo users, as seed_demo makes."""
    from rt_registry.management.commands.seed_demo import Command

    command = Command()
    command.seed_rts()
    command.seed_users()


def machine():
    import platform

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
        f"load average {load} (other work on the machine inflates the times)"
    )
