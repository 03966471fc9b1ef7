"""The scoring sheet over the network, as a tablet in the field pays for it: the bytes and
requests of a first load (empty browser cache, no service worker yet), of the sheet opened
again online once it is kept on the device (it opens from the device: issue 8 wants no
request at all), of the same with a kept copy older than the app's freshness window (it
still opens from the device; one request checks it in the background), and of a reload
with no network. Measured in Chromium (Playwright) against gunicorn with DEBUG off and the
static files collected, hashed and compressed as in production (whitenoise). 15 RTs
assigned, 21 indicators.

Requests are counted twice: as Chromium reports them (those a service worker answered
left out; the worker's own fetches included) and as gunicorn's access log saw them, the
requests that reached the server, whoever made them.

    BENCH_PORT=8201 .venv/bin/python benchmarks/sheet_load.py [--json]

Serves on 127.0.0.1:8111 (BENCH_PORT), the throwaway database of _bench.py, static files
collected into /tmp/bench-static (BENCH_STATIC_ROOT). --json prints one JSON line of the
rows instead of the table (benchmarks/bench.py reads it).
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

from _bench import ROOT, django_ready, machine

PORT = int(os.environ.get("BENCH_PORT", "8111"))
BASE = f"http://localhost:{PORT}"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/bench-static")
ACCESS_LOG = f"/tmp/bench-sheet-access-{PORT}.log"
# Playwright reports a service worker's own fetches only with this set.
os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
BUDGET = 100 * 1024


def make_data():
    from rt_registry import roles
    from tests import factories

    assessor = factories.make_user(username="penilai.bench", role=roles.TIM_PENILAI)
    cycle = factories.make_cycle(stage="PENILAIAN")
    team = factories.make_team(cycle=cycle, members=[assessor])
    proposals = [
        factories.make_proposal(
            cycle=cycle,
            rt=factories.make_rt(kelurahan="Buluran Kenali", number=n, kk_count=90),
            status="DIVERIFIKASI",
            team=team,
        )
        for n in range(1, 16)
    ]
    return proposals[0]


def server_env():
    from django.conf import settings

    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 60,
        "PUBLIC_BASE_URL": BASE,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": STATIC_ROOT,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "AXES_ENABLED": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


def start_server(env):
    python = sys.executable
    collect = [python, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True)
    open(ACCESS_LOG, "w").close()
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "bantar.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            "1",
            "--access-logfile",
            ACCESS_LOG,
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )
    for _ in range(50):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


class Meter:
    """Bytes (headers + encoded body) and requests of one page, those a service worker
    answered left out; every host seen."""

    def __init__(self, context):
        self.bytes = self.requests = 0
        self.hosts = set()
        self.detail = []
        # On the context: the worker's own requests to the network count too.
        context.on("requestfinished", self._finished)

    def _finished(self, request):
        self.hosts.add(urlsplit(request.url).netloc)
        response = request.response()
        if response is None or response.from_service_worker:
            return
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        self.bytes += size
        self.requests += 1
        self.detail.append(f"{size / 1024:6.1f} KiB {urlsplit(request.url).path}")

    def take(self):
        # What the server saw since the last take: its access log's new lines.
        with open(ACCESS_LOG) as log:
            lines = log.read().splitlines()
        at_server = lines[getattr(self, "_log_seen", 0) :]
        self._log_seen = len(lines)
        taken = (self.bytes, self.requests, len(at_server), self.detail)
        self.bytes = self.requests = 0
        self.detail = []
        return taken


def measure_in_chromium(proposal):
    from playwright.sync_api import sync_playwright

    from tests.factories import PASSWORD

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(base_url=BASE, viewport={"width": 768, "height": 1024})
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", "penilai.bench")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/penilaian/")
        page.wait_for_selector("#offline-panel[data-prepared=ya]")
        # The list's visit kept the static files; the first load is a fresh tablet's.
        fresh = browser.new_context(base_url=BASE, viewport={"width": 768, "height": 1024})
        fresh.add_cookies(context.cookies())
        first = fresh.new_page()
        meter = Meter(fresh)
        meter.take()
        sheet = f"/penilaian/{proposal.pk}/"
        first.goto(sheet, wait_until="networkidle")
        rows = [("first load (no cache, no service worker)", *meter.take())]
        first.evaluate("navigator.serviceWorker.ready.then(() => true)")
        first.wait_for_timeout(1000)
        meter.take()  # the worker's install (precaching) belongs to no page load
        first.goto("/penilaian/", wait_until="networkidle")
        first.wait_for_selector("#offline-panel[data-prepared=ya]")
        first.wait_for_timeout(1000)
        meter.take()  # the list's visit keeps every sheet on the device ("Siapkan")
        first.goto(sheet, wait_until="networkidle")
        first.wait_for_timeout(1500)  # anything the page starts after it loads
        rows.append(("cached load online: the sheet opened again", *meter.take()))
        first.reload(wait_until="networkidle")
        first.wait_for_timeout(1500)
        rows.append(("cached load online: the sheet reloaded", *meter.take()))
        first.evaluate(BACKDATE_KEPT_COPY, [sheet, "X-Bantar-Disimpan"])
        meter.take()
        first.goto(sheet, wait_until="networkidle")
        first.wait_for_timeout(1500)
        rows.append(("kept copy older than the freshness window (opens from the device, "
                     "checked in the background)", *meter.take()))  # fmt: skip
        fresh.set_offline(True)
        first.reload(wait_until="load")
        assert first.locator("fieldset[data-indicator]").count() == 21
        first.wait_for_timeout(1000)
        rows.append(("reload offline", *meter.take()))
        hosts = meter.hosts
        browser.close()
    return rows, hosts


# Makes the sheet's kept copy look older than the freshness window (as after a while).
BACKDATE_KEPT_COPY = """async ([path, header]) => {
  for (const name of await caches.keys()) {
    if (!name.startsWith('bantar-halaman-u')) continue;
    const cache = await caches.open(name);
    const kept = await cache.match(path);
    if (!kept) continue;
    const headers = new Headers(kept.headers);
    headers.set(header, '0');
    await cache.put(path, new Response(await kept.blob(), {status: kept.status, headers}));
  }
}"""


def main():
    django_ready(fresh=True)
    proposal = make_data()
    server = start_server(server_env())
    try:
        rows, hosts = measure_in_chromium(proposal)
    finally:
        server.terminate()
        server.wait()
    first = rows[0][1]  # the service worker's own precaching starts after the load
    cached = [r for r in rows if r[0].startswith("cached load online: ")]
    # The cached load: no request reached the server, nor left the browser.
    cached_zero = all(r[2] == 0 and r[3] == 0 for r in cached)
    if "--json" in sys.argv:
        print(json.dumps({"rows": [r[:4] for r in rows], "hosts": sorted(hosts),
                          "first_bytes": first, "cached_zero": cached_zero}))  # fmt: skip
        return
    print(machine())
    print("| load | bytes over the network | requests (Chromium) | requests at the server |")
    print("|---|---|---|---|")
    for label, size, count, at_server, _ in rows:
        print(f"| {label} | {size / 1024:.1f} KiB | {count} | {at_server} |")
    for label, _, _, _, detail in rows:
        print(f"{label}:", *detail, sep="\n  ")
    print(f"hosts asked: {sorted(hosts)}")
    print(f"first load within {BUDGET // 1024} KiB: {'yes' if first <= BUDGET else 'NO'}")
    print(f"cached load: 0 requests: {'yes' if cached_zero else 'NO'}")


if __name__ == "__main__":
    main()
