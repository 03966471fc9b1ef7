"""`make bench`: every heavy path beside the physical floor of its job, in one table.

    BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432 .venv/bin/python benchmarks/bench.py

Builds city-scale data in a PostgreSQL database it creates for the run and drops at the
end (_bench.py; no other database is touched), then for each path measures the project
and its floor in the same run, each as the median of BENCH_RUNS runs (default 3), and
prints one table: path, project median, floor median, ratio, goal, peak memory, queries.

Heavy paths (PDFs, import) run in a child process per side, so "peak memory" is the peak
resident size of the process that did that job alone. HTTP load runs gunicorn as deployed
(deploy/gunicorn.conf.py) on 127.0.0.1:8113 only, with a small asyncio client holding 20
persistent connections for BENCH_HTTP_SECONDS (default 20) per measurement.

BENCH_SCALE (default 1) shrinks every volume for a quick look while developing, e.g.
BENCH_SCALE=0.1; the goals are for scale 1. BENCH_ONLY=import,sheet measures (and builds
the data of) only those rows: send, http, recap, certificates, import, decree, sheet.
BENCH_PORT moves gunicorn off 8113 when someone else benchmarks on this machine.
"""

import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _bench import ROOT, django_ready, machine

# Django's test client (in-process measurements) calls itself "testserver".
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
# One key for this process and the gunicorn it starts: the sessions made here sign with it.
os.environ["SECRET_KEY"] = "bench-only-secret-key-long-enough-for-the-production-check-0123456789"

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
HTTP_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "20"))
HTTP_CLIENTS = 20
XLSX_FORMAT = "1"  # position in RTAdmin.import_formats
NEW_RT_OFFSET = 500  # the import's RT numbers: the registry's own plus this, all new
PORT = int(os.environ.get("BENCH_PORT", "8113"))
ROWS = ("send", "http", "recap", "certificates", "import", "decree", "sheet")
ONLY = {r for r in os.environ.get("BENCH_ONLY", ",".join(ROWS)).split(",") if r}
N_RECAP, N_ASSESSORS = max(20, int(1000 * SCALE)), 5
N_AWARDS = max(20, int(900 * SCALE))
N_SENDS = max(20, int(200 * SCALE))  # in-process sends per run


def scaled(n):
    return max(1, int(n * SCALE))


# --- data (parent process) -----------------------------------------------------------------


def build_data():
    from _bench import seed_registry
    from _data import make_awarded_cycle, make_scored_cycle

    from awards.models import Decree

    seed_registry()
    if "recap" in ONLY:
        make_scored_cycle(n_proposals=N_RECAP, n_assessors=N_ASSESSORS, year=2030)
    if ONLY & {"certificates", "decree"}:
        cycle, decree = make_awarded_cycle(n_awards=N_AWARDS, year=2031)
        Decree.objects.filter(pk=decree.pk).update(status=Decree.Status.FINAL)
    if ONLY & {"send", "http", "sheet"}:
        build_scoring_cycle()
    # Bulk-loaded tables have no planner statistics until autovacuum gets to them; a live
    # database has them. Without this, PostgreSQL plans the recap as nested loops.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def build_scoring_cycle():
    from _data import assessors, make_cycle, make_proposals

    from assessments.models import Cycle, Team, TeamMember
    from rt_registry.models import RT

    scoring = make_cycle(year=2032, stage=Cycle.Stage.PENILAIAN)
    team = Team.objects.create(cycle=scoring, name="Tim Kirim")
    members = assessors(HTTP_CLIENTS + 2)
    TeamMember.objects.bulk_create([TeamMember(team=team, user=u, agency="DLH") for u in members])
    make_proposals(cycle=scoring, n=RT.objects.count(), team=team)


# --- measurements run in a child ---------------------------------------------------------


def child_main(name, side):
    django_ready(fresh=False)
    result = CHILDREN[name](side)
    result["peak_mib"] = peak_rss_mib()
    print("RESULT " + json.dumps(result))


def peak_rss_mib():
    """This process's peak resident size. VmHWM starts afresh at exec; ru_maxrss would
    carry the parent's peak from the fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_runs(fn, *, setup=None):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(RUNS):
        if setup:
            setup()
        reset_queries()  # a full query log (9,000) would make the count read 0
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        queries = len(ctx.captured_queries)
    return {"times": times, "queries": queries}


def certificates_child(side):
    from awards import certificates
    from awards.models import Award, Decree
    from documents.pdf import html_to_pdf

    decree = Decree.objects.get(cycle__year=2031)
    awards = list(certificates.awards_for_certificates(Award.objects.filter(cycle__year=2031)))
    if side == "floor":
        # Bare WeasyPrint: the same pages' text, the emblem as the one image, one document.
        html = certificates.render_certificate_html(awards, decree=decree)
        html = re.sub(r'<div class="qr"><img[^>]*></div>', "", html)
        return timed_runs(lambda: html_to_pdf(html))

    def job():
        # What the worker does (render_certificates_job): chunks, per-RT files, one batch.
        parts = []
        for chunk, data in certificates.render_certificate_chunks(awards, decree=decree):
            certificates.store_first_certificates(chunk, data)
            parts.append(data)
        return certificates.join_pdfs(parts)

    def forget_files():
        Award.objects.filter(cycle__year=2031).update(certificate_sha256="", certificate_pdf="")
        for a in awards:
            a.certificate_sha256 = ""

    return timed_runs(job, setup=forget_files)


def decree_child(side):
    from awards.issuing import decree_lampiran
    from awards.models import Award, Decree
    from awards.pdf import render_decree_pdf
    from documents.pdf import html_to_pdf

    decree = Decree.objects.get(cycle__year=2031)
    Decree.objects.filter(pk=decree.pk).update(status=Decree.Status.DRAFT)
    decree.refresh_from_db()
    if side == "project":
        return timed_runs(lambda: render_decree_pdf(decree, lampiran=decree_lampiran(decree)))
    html = _floor_table_html(Award.objects.filter(cycle=decree.cycle).select_related("proposal"))
    return timed_runs(lambda: html_to_pdf(html))


def _floor_table_html(awards):
    """The decree's lampiran table alone, in the same print stylesheet."""
    from django.utils.html import escape

    body = "".join(
        f"<tr><td>{i}</td><td>{escape(a.proposal.kecamatan_name)}</td>"
        f"<td>{escape(a.proposal.kelurahan_name)}</td><td>{a.proposal.rt_number:02d}</td>"
        f"<td>{escape(a.proposal.ketua_name)}</td><td>{a.get_size_category_display()}</td>"
        f"<td>Rp {a.prize_amount:,.0f}</td></tr>"
        for i, a in enumerate(awards, start=1)
    )
    return (
        '<html><head><link rel="stylesheet" href="css/print-base.css"></head><body>'
        "<table><thead><tr><th>No</th><th>Kecamatan</th><th>Kelurahan</th><th>RT</th>"
        f"<th>Ketua</th><th>Kategori</th><th>Hadiah</th></tr></thead><tbody>{body}"
        "</tbody></table></body></html>"
    )


def import_child(side):
    """RT import through the resource, preview (dry run) then confirm, as the admin does
    in two requests; the floor reads the xlsx once and bulk_creates the rows."""
    import io

    import openpyxl
    from django.test.utils import setup_test_environment

    from rt_registry.models import RT, Kelurahan

    setup_test_environment()  # the preview's confirm form is read from response.context

    rows = [
        [rt.kelurahan.kecamatan.name, rt.kelurahan.name, rt.number + NEW_RT_OFFSET,
         rt.ketua_name, rt.phone, rt.kk_count]
        for rt in RT.objects.select_related("kelurahan__kecamatan").in_city_order()
    ]  # fmt: skip
    from rt_registry.resources import IMPORT_COLUMNS

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(IMPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = buffer.getvalue()

    def empty_registry():
        # The file's RTs are new ones (numbers above the registry's); each run inserts them.
        RT.objects.filter(number__gt=NEW_RT_OFFSET).delete()

    if side == "floor":
        kelurahan = {
            (k.kecamatan.name, k.name): k for k in Kelurahan.objects.select_related("kecamatan")
        }

        def floor():
            data = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
            values = list(data.active.iter_rows(min_row=2, values_only=True))
            RT.objects.bulk_create(
                [
                    RT(
                        kelurahan=kelurahan[(r[0], r[1])],
                        number=r[2],
                        ketua_name=r[3] or "",
                        phone=r[4] or "",
                        kk_count=r[5],
                    )
                    for r in values
                ],  # fmt: skip
                batch_size=1000,
            )

        return timed_runs(floor, setup=empty_registry)

    return timed_runs(lambda: _admin_import(xlsx), setup=empty_registry)


def _admin_import(xlsx):
    """Preview and confirm through the admin's own views, as Admin DPMPPA."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(get_user_model().objects.get(username="dpmppa"))
    upload = SimpleUploadedFile(
        "rt.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = client.post(
        reverse("admin:rt_registry_rt_import"), {"import_file": upload, "format": XLSX_FORMAT}
    )
    if response.status_code != 200 or not response.context.get("confirm_form"):
        raise SystemExit(f"import preview failed: {response.status_code}")
    confirm = client.post(
        reverse("admin:rt_registry_rt_process_import"),
        dict(response.context["confirm_form"].initial),
    )
    if confirm.status_code not in (200, 302):
        raise SystemExit(f"import confirm failed: {confirm.status_code}")


CHILDREN = {"certificates": certificates_child, "decree": decree_child, "import": import_child}


def in_child(name, side):
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, side],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"child {name}/{side} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")


# --- in the parent ---------------------------------------------------------------------------


def send_rows():
    """A full send through Django's stack (test client: middleware, session, JSON), one
    fresh sheet each; the floor is one raw-SQL transaction writing the same rows."""
    import uuid

    from django.db import connection, reset_queries, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Assessment, Indicator, Proposal

    proposals = list(Proposal.objects.filter(cycle__year=2032).order_by("pk"))
    indicators = list(
        Indicator.objects.filter(indicator_set_id=proposals[0].cycle.indicator_set_id)
    )
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    assessor = users.get(username=f"bench.penilai{HTTP_CLIENTS + 1}")
    floor_user = users.get(username=f"bench.penilai{HTTP_CLIENTS + 2}")
    client = Client()
    client.force_login(assessor)
    body = {
        "action": "send",
        "visit_date": "2026-06-01",
        "general_note": "",
        "scores": [{"indicator": i.pk, "value": 2, "note": ""} for i in indicators],
    }
    pool = iter(proposals)
    project, floor, queries = [], [], 0
    for _ in range(RUNS):
        batch = [next(pool) for _ in range(N_SENDS)]
        start = time.perf_counter()
        for p in batch:
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                r = client.post(
                    f"/penilaian/{p.pk}/simpan/",
                    data=json.dumps({**body, "client_token": str(uuid.uuid4())}),
                    content_type="application/json",
                )
            assert r.status_code == 200, r.content[:300]
            queries = len(ctx.captured_queries)
        project.append((time.perf_counter() - start) / len(batch))
    values_sql = ",".join(["(%s,%s,%s,'')"] * len(indicators))
    pool = iter(proposals)
    for _ in range(RUNS):
        batch = [next(pool) for _ in range(N_SENDS)]
        start = time.perf_counter()
        for p in batch:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {Assessment._meta.db_table} (proposal_id, assessor_id, version,"
                    " status, client_token, visit_date, general_note, created_at, updated_at,"
                    " sent_at, reopen_reason) VALUES (%s,%s,1,'SENT',%s,'2026-06-01','',now(),"
                    "now(),now(),'') RETURNING id",
                    [p.pk, floor_user.pk, str(uuid.uuid4())],
                )
                sheet_id = cursor.fetchone()[0]
                params = [x for i in indicators for x in (sheet_id, i.pk, 2)]
                cursor.execute(
                    "INSERT INTO assessments_score (assessment_id, indicator_id, value, note)"
                    f" VALUES {values_sql}",
                    params,
                )
        floor.append((time.perf_counter() - start) / len(batch))
    statements = queries - 2  # BEGIN/COMMIT of the write's transaction are not statements
    return {"times": project, "queries": statements}, {"times": floor}


def recap_rows():
    from django.db import connection

    from assessments.models import Cycle, Proposal
    from assessments.recap import build_recap

    cycle = Cycle.objects.get(year=2030)

    def project():
        rows = build_recap(cycle=cycle, proposals=Proposal.objects.filter(cycle=cycle))
        for row in rows:
            row.total, row.passes, row.total_pct, row.has_disagreement  # noqa: B018

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.proposal_id, SUM(s.value) FROM assessments_score s"
                " JOIN assessments_assessment a ON a.id = s.assessment_id"
                " JOIN assessments_proposal p ON p.id = a.proposal_id"
                " WHERE a.status = 'SENT' AND p.cycle_id = %s GROUP BY a.proposal_id",
                [cycle.pk],
            )
            cursor.fetchall()

    return _in_process(project), _in_process(floor)


def _in_process(fn):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    fn()  # warm
    times = []
    for _ in range(RUNS):
        reset_queries()  # a full query log (9,000) would make the count read 0
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return {"times": times, "queries": len(ctx.captured_queries)}


def sheet_bytes_row():
    """First load of the tablet sheet as sent: HTML (gzip) + its static files as whitenoise
    sends them (brotli, written by collectstatic); the floor is the HTML alone."""
    import gzip

    import brotli
    from django.contrib.auth import get_user_model
    from django.contrib.staticfiles import finders
    from django.test import Client

    from assessments.models import Proposal

    client = Client()
    client.force_login(get_user_model().objects.get(username=f"bench.penilai{HTTP_CLIENTS + 1}"))
    proposal = Proposal.objects.filter(cycle__year=2032).order_by("-pk").first()
    response = client.get(f"/penilaian/{proposal.pk}/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200, response.status_code
    raw = response.content
    html = gzip.decompress(raw) if response.get("Content-Encoding") == "gzip" else raw
    total = len(raw)
    for asset in re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        data = Path(finders.find(asset.decode())).read_bytes()
        total += len(brotli.compress(data, quality=11))
    return {"bytes": total}, {"bytes": len(html)}


def sheet_cached_load():
    """benchmarks/sheet_load.py in Chromium, on its own throwaway database and port: the
    sheet kept on the device, opened again online, must make no request at all."""
    env = {**os.environ, "BENCH_PORT": os.environ.get("BENCH_SHEET_PORT", "8111")}
    env.pop("BENCH_DATABASE_URL", None)
    env.pop("BENCH_POSTGRES", None)
    done = subprocess.run(
        [sys.executable, "benchmarks/sheet_load.py", "--json"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- HTTP load -------------------------------------------------------------------------------


def start_gunicorn():
    env = {
        **os.environ,
        "DEBUG": "0",
        "PUBLIC_BASE_URL": "https://bantar.test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_LOG_LEVEL": "warning",
        "AXES_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
    }
    # collectstatic: the production storage needs its manifest.
    static = Path("/tmp/bench-static")
    env["STATIC_ROOT"] = str(static)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
         "--access-logfile", "/dev/null", "bantar.wsgi"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    for _ in range(100):
        time.sleep(0.2)
        try:
            asyncio.run(_one_get("/healthz"))
            return proc
        except OSError:
            continue
    proc.terminate()
    raise SystemExit(f"gunicorn did not start on 127.0.0.1:{PORT}")


async def _one_get(path):
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    status, _ = await _read_response(reader)
    writer.close()
    return status


async def _read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
    body = await reader.readexactly(length)
    return status, body


async def _client(requests, deadline, latencies, statuses):
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    for request in requests:
        if time.perf_counter() >= deadline:
            break
        start = time.perf_counter()
        writer.write(request)
        await writer.drain()
        try:
            status, _ = await _read_response(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            # The server closed the connection (no keep-alive): open a new one.
            reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
            writer.write(request)
            await writer.drain()
            status, _ = await _read_response(reader)
        latencies.append(time.perf_counter() - start)
        statuses[status] = statuses.get(status, 0) + 1
    writer.close()


def load(request_lists):
    """Each list: one client's requests, sent one after another on its own connection."""

    async def run():
        latencies, statuses = [], {}
        deadline = time.perf_counter() + HTTP_SECONDS
        start = time.perf_counter()
        await asyncio.gather(*(_client(r, deadline, latencies, statuses) for r in request_lists))
        return len(latencies) / (time.perf_counter() - start), latencies, statuses

    rate, latencies, statuses = asyncio.run(run())
    latencies.sort()
    return rate, latencies[int(len(latencies) * 0.95)] if latencies else 0, statuses


def http_rows():
    import uuid

    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from assessments.models import Indicator, Proposal

    proc = start_gunicorn()
    try:
        users = [
            get_user_model().objects.get(username=f"bench.penilai{i}")
            for i in range(1, HTTP_CLIENTS + 1)
        ]
        proposals = list(Proposal.objects.filter(cycle__year=2032).order_by("pk"))
        indicators = list(
            Indicator.objects.filter(indicator_set_id=proposals[0].cycle.indicator_set_id)
        )
        csrf = "b" * 32
        cookies = []
        for user in users:
            session = SessionStore()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            cookies.append(f"sessionid={session.session_key}; csrftoken={csrf}")

        def sends(n_run, client):
            out = []
            mine = proposals[n_run::RUNS]
            # Each client starts elsewhere in the list: assessors rarely send the same RT at
            # the same moment, and one proposal's sends wait for each other (a row lock).
            shift = client * len(mine) // HTTP_CLIENTS
            for p in mine[shift:] + mine[:shift]:
                body = json.dumps(
                    {
                        "client_token": str(uuid.uuid4()),
                        "action": "send",
                        "visit_date": "2026-06-01",
                        "general_note": "",
                        "scores": [{"indicator": i.pk, "value": 2, "note": ""} for i in indicators],
                    }
                ).encode()
                head = (
                    f"POST /penilaian/{p.pk}/simpan/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Cookie: {cookies[client]}\r\nX-CSRFToken: {csrf}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                )
                out.append(head.encode() + body)
            return out

        health = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        send_runs, health_runs = [], []
        for n in range(RUNS):
            health_runs.append(load([[health] * 1_000_000 for _ in range(HTTP_CLIENTS)]))
            send_runs.append(load([sends(n, c) for c in range(HTTP_CLIENTS)]))
        return send_runs, health_runs
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --- the table -------------------------------------------------------------------------------


def median(xs):
    return statistics.median(xs)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child_main(sys.argv[2], sys.argv[3])
    if not os.environ.get("BENCH_POSTGRES"):
        raise SystemExit("Set BENCH_POSTGRES=postgres://user@host:port (make bench does).")
    django_ready()
    print(f"Benchmark on {machine()}; scale {SCALE}, medians of {RUNS} runs")
    start = time.perf_counter()
    build_data()
    print(f"data built in {time.perf_counter() - start:.0f} s")
    table = []

    if "send" in ONLY:
        project, floor = send_rows()
        p, f = median(project["times"]) * 1000, median(floor["times"]) * 1000
        table.append(("send a scoring sheet, in process", f"{p:.2f} ms", f"{f:.2f} ms", p / f,
                      "≤ 3×, ≤ 8 statements", p / f <= 3 and project["queries"] <= 8, "",
                      project["queries"]))  # fmt: skip

    if "http" in ONLY:
        send_runs, health_runs = http_rows()
        rate = median(r[0] for r in send_runs)
        p95 = median(r[1] for r in send_runs) * 1000
        health = median(r[0] for r in health_runs)
        statuses = {}
        for r in send_runs:
            for k, v in r[2].items():
                statuses[k] = statuses.get(k, 0) + v
        table.append((f"send, {HTTP_CLIENTS} clients over HTTP (statuses {statuses})",
                      f"{rate:.0f} req/s, p95 {p95:.0f} ms", f"/healthz {health:.0f} req/s",
                      health / rate, "≥ 30% of /healthz, p95 ≤ 100 ms",
                      rate >= 0.3 * health and p95 <= 100, "", ""))  # fmt: skip

    if "recap" in ONLY:
        project, floor = recap_rows()
        p, f = median(project["times"]), median(floor["times"])
        table.append((f"recap, {N_RECAP} proposals × {N_ASSESSORS} × 21", f"{p:.3f} s",
                      f"{f:.3f} s", p / f, "≤ 1.3×", p / f <= 1.3, "",
                      project["queries"]))  # fmt: skip

    if "certificates" in ONLY:
        project, floor = in_child("certificates", "project"), in_child("certificates", "floor")
        p, f = median(project["times"]), median(floor["times"])
        table.append((f"certificates, {N_AWARDS} pages (render, per-RT files, batch)", f"{p:.1f} s",
                      f"{f:.1f} s", p / f, "≤ 1.3×, ≤ 250 MiB",
                      p / f <= 1.3 and project["peak_mib"] <= 250,
                      f"{project['peak_mib']:.0f} / {floor['peak_mib']:.0f} MiB",
                      project["queries"]))  # fmt: skip

    if "import" in ONLY:
        project, floor = in_child("import", "project"), in_child("import", "floor")
        p, f = median(project["times"]), median(floor["times"])
        table.append(("RT import through the admin (preview + confirm)", f"{p:.2f} s", f"{f:.2f} s",
                      p / f, "≤ 2×", p / f <= 2,
                      f"{project['peak_mib']:.0f} / {floor['peak_mib']:.0f} MiB",
                      project["queries"]))  # fmt: skip

    if "decree" in ONLY:
        project, floor = in_child("decree", "project"), in_child("decree", "floor")
        p, f = median(project["times"]), median(floor["times"])
        table.append((f"SK, {N_AWARDS} winners", f"{p:.1f} s", f"{f:.1f} s", p / f, "≤ 1.3×",
                      p / f <= 1.3, f"{project['peak_mib']:.0f} / {floor['peak_mib']:.0f} MiB",
                      project["queries"]))  # fmt: skip

    if "sheet" in ONLY:
        project, floor = sheet_bytes_row()
        p, f = project["bytes"] / 1024, floor["bytes"] / 1024
        table.append(("tablet sheet, first load (bytes sent)", f"{p:.1f} KB", f"HTML {f:.1f} KB",
                      p / f, "≤ 60 KB", p <= 60, "", ""))  # fmt: skip

        cached = sheet_cached_load()
        at_server = sum(r[3] for r in cached["rows"] if r[0].startswith("cached load online"))
        table.append(("tablet sheet, cached load online (Playwright: requests reaching the server)",
                      f"{at_server} requests", "0 requests", 1.0, "0 requests",
                      cached["cached_zero"], "", ""))  # fmt: skip

    print()
    print(
        "| path | project (median) | floor (median) | ratio | goal | met | peak memory "
        "(project / floor) | queries |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for path, p, f, ratio, goal, met, memory, queries in table:
        print(f"| {path} | {p} | {f} | {ratio:.2f}× | {goal} | {'yes' if met else 'NO'} | "
              f"{memory} | {queries} |")  # fmt: skip


if __name__ == "__main__":
    main()
