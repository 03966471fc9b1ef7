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

# Always a throwaway database, never the dev or production one (the DATABASE_URL of the
# shell is ignored on purpose):
# - BENCH_POSTGRES=postgres://user@host:port (what `make bench` sets): a database named
#   bantar_bench_<pid> is CREATED on that server for this run and DROPPED at exit;
# - BENCH_DATABASE_URL: a database that must be empty (no tables); it is migrated, never
#   emptied, so a database someone keeps is refused rather than dropped;
# - otherwise a SQLite file in /tmp, rebuilt from empty.
BENCH_SQLITE = Path(os.environ.get("BENCH_SQLITE", "/tmp/bench.sqlite3"))
if os.environ.get("BENCH_POSTGRES") and "BENCH_DATABASE_URL" not in os.environ:
    BENCH_DB_NAME = f"bantar_bench_{os.getpid()}"
    os.environ["BENCH_DATABASE_URL"] = f"{os.environ['BENCH_POSTGRES'].rstrip('/')}/{BENCH_DB_NAME}"
    os.environ["BENCH_CREATED_DB"] = BENCH_DB_NAME  # children inherit the URL, not the duty
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{BENCH_SQLITE}")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bantar.settings")
os.environ.setdefault("MEDIA_ROOT", "/tmp/bench-media")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def _server_command(sql):
    """Run CREATE/DROP DATABASE on the BENCH_POSTGRES server (its maintenance database)."""
    import psycopg2

    conn = psycopg2.connect(f"{os.environ['BENCH_POSTGRES'].rstrip('/')}/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def _drop_created_database():
    from django.db import connections

    connections.close_all()
    name = os.environ.get("BENCH_CREATED_DB")
    if name and name.startswith("bantar_bench_"):
        _server_command(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_ready(*, fresh=True):
    """Set Django up on the throwaway database, migrated; `fresh` starts from empty."""
    import atexit

    if fresh and os.environ.get("BENCH_CREATED_DB") == f"bantar_bench_{os.getpid()}":
        _server_command(f'CREATE DATABASE "{os.environ["BENCH_CREATED_DB"]}"')
        atexit.register(_drop_created_database)
    elif fresh and "BENCH_DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{BENCH_SQLITE}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if fresh and "django_migrations" in connection.introspection.table_names():
        if "BENCH_CREATED_DB" not in os.environ and connection.vendor != "sqlite":
            raise SystemExit(
                "BENCH_DATABASE_URL points at a database that already has tables; the "
                "benchmarks need an empty one (or set BENCH_POSTGRES and let them make one)."
            )
    if fresh:
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
