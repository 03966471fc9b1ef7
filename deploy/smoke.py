"""Production smoke test: the README's deploy, done for real and then looked at.

A fresh PostgreSQL database, `migrate`, `collectstatic --noinput` into a temporary
STATIC_ROOT, then gunicorn with deploy/gunicorn.conf.py, DEBUG=0 and production variables
on a loopback port. Pages must answer 200 when reached through the proxy (the request says
`X-Forwarded-Proto: https`, as nginx does): /login/, /verifikasi/, /healthz, the admin
after logging in. Every static file those pages (and their CSS) refer to must be in the
manifest (hashed name), answer 200 with a long cache, and come gzip- and brotli-compressed
when the browser asks. Plain http must redirect to https, except /healthz.

Exits non-zero on the first failure; always stops gunicorn and drops the database.
.ci/run calls it after the tests on PostgreSQL:

    .venv/bin/python deploy/smoke.py
    SMOKE_PORT=8101 SMOKE_DB=bantar_deploy .venv/bin/python deploy/smoke.py   # fixed names

SMOKE_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) is the maintenance
database used to create and drop SMOKE_DB (default bantar_smoke_<pid>).
"""

import gzip
import http.client
import json
import os
import posixpath
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import brotli
import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "bantar.smoke.test"
STATIC_URL = "/static/"
ADMIN_USER = "smoke.admin"
PAGES = ["/", "/login/", "/verifikasi/", "/indikator/", "/admin/login/"]
COMPRESSIBLE = (".css", ".js", ".svg")


class SmokeFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise SmokeFailure(message)


class Server:
    """One gunicorn on 127.0.0.1:<port>; requests go through http.client (no redirects
    followed, cookies kept by hand because production cookies are Secure)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def get(self, path, *, https=True, headers=None):
        return self.request("GET", path, https=https, headers=headers)

    def request(self, method, path, *, https=True, headers=None, body=None):
        sent = {"Host": HOST, **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, content


class References(HTMLParser):
    """The href and src of every tag on a page."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]


def static_references(html):
    parser = References()
    parser.feed(html)
    return {urlsplit(url).path for url in parser.urls if urlsplit(url).path.startswith(STATIC_URL)}


def css_references(css_path, css):
    """Static paths a stylesheet's url(...) and @import point at, resolved like a browser."""
    found = set()
    for url in re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", css):
        if url.startswith(("data:", "#", "http:", "https:", "//")):
            continue
        path = urlsplit(url).path
        found.add(
            path
            if path.startswith("/")
            else posixpath.normpath(posixpath.join(posixpath.dirname(css_path), path))
        )
    return found


def page(server, path):
    response, content = server.get(path)
    check(response.status == 200, f"{path} menjawab {response.status}, bukan 200")
    return content.decode()


def check_redirects(server):
    response, _ = server.get("/login/", https=False)
    check(
        response.status == 301 and response.headers["Location"].startswith("https://"),
        f"/login/ lewat http biasa harus dialihkan ke https (menjawab {response.status})",
    )
    response, _ = server.get("/healthz", https=False)
    check(response.status == 200, f"/healthz lewat http biasa menjawab {response.status}")
    response, _ = server.get("/healthz")
    check(response.status == 200, f"/healthz menjawab {response.status}")
    print("ok   http→https redirect, /healthz 200 over http and https")


def admin_pages(server, password):
    html = page(server, "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    check(token, "/admin/login/ tidak berisi token CSRF")
    body = urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": ADMIN_USER, "password": password}
    )
    response, _ = server.request(
        "POST",
        "/admin/login/?next=/admin/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}/admin/login/",
        },
    )
    check(
        response.status == 302 and "sessionid" in server.cookies,
        f"masuk ke admin gagal (jawaban {response.status})",
    )
    html = page(server, "/admin/")
    check("Administrasi Lomba Kampung BANTAR" in html, "/admin/ tidak menampilkan beranda admin")
    print("ok   /admin/ after logging in")
    return html


def check_static(server, referenced, manifest):
    """Every referenced file is a hashed manifest name, served with a long cache and
    compressed; stylesheets are followed to their fonts and images."""
    hashed_names = set(manifest.values())
    seen, queue = set(), sorted(referenced)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        name = path.removeprefix(STATIC_URL)
        check(name in hashed_names, f"{path} tidak ada di manifest (nama tanpa hash?)")
        response, plain = server.get(path)
        check(response.status == 200, f"{path} menjawab {response.status}")
        check(
            "immutable" in (response.headers["Cache-Control"] or ""),
            f"{path} tidak dikirim dengan cache panjang (Cache-Control: "
            f"{response.headers['Cache-Control']})",
        )
        if path.endswith(COMPRESSIBLE):
            for encoding, decompress in (("gzip", gzip.decompress), ("br", brotli.decompress)):
                response, packed = server.get(path, headers={"Accept-Encoding": encoding})
                check(
                    response.headers["Content-Encoding"] == encoding,
                    f"{path} tidak dikirim terkompresi {encoding}",
                )
                check(decompress(packed) == plain, f"{path} versi {encoding} berbeda isinya")
        if path.endswith(".css"):
            queue += sorted(css_references(path, plain.decode()) - seen)
    print(f"ok   {len(seen)} static files: in the manifest, 200, immutable, gzip and br")


def wait_until_up(server, gunicorn, log):
    for _ in range(60):
        check(gunicorn.poll() is None, "gunicorn berhenti saat mulai:\n" + log.read_text())
        try:
            response, _ = server.get("/healthz", https=False)
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SmokeFailure("gunicorn tidak menjawab /healthz dalam 30 detik")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args, env):
    print("run ", "manage.py", *args, flush=True)
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run_smoke(*, database_url, port, workdir):
    password = secrets.token_urlsafe(16)
    static_root = workdir / "static"
    # Only what /etc/bantar/bantar.env would hold, nothing inherited from this shell.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(workdir),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PUBLIC_BASE_URL": f"https://{HOST}",
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(workdir / "media"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "DJANGO_SUPERUSER_PASSWORD": password,
    }
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    manage("createsuperuser", "--noinput", "--username", ADMIN_USER, "--email", "s@x.test", env=env)

    log = workdir / "gunicorn.log"
    command = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "bantar.wsgi"]
    print("run ", *command, f"(127.0.0.1:{port})", flush=True)
    with log.open("w") as out:
        gunicorn = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(port)
    try:
        wait_until_up(server, gunicorn, log)
        check_redirects(server)
        referenced = set()
        for path in PAGES:
            referenced |= static_references(page(server, path))
        print(f"ok   {', '.join(PAGES)} answer 200")
        referenced |= static_references(admin_pages(server, password))
        check_static(server, referenced, manifest)
        errors = re.findall(r'^.*" 5\d\d .*$', log.read_text(), flags=re.MULTILINE)
        check(not errors, "gunicorn mencatat jawaban 5xx:\n" + "\n".join(errors))
    except SmokeFailure:
        print("---- gunicorn log (last lines)\n" + "".join(log.read_text().splitlines(True)[-40:]))
        raise
    finally:
        stop(gunicorn)


def stop(process):
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def execute(maintenance_url, sql):
    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def main():
    maintenance_url = os.environ.get("SMOKE_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = os.environ.get("SMOKE_DB", f"bantar_smoke_{os.getpid()}")
    check(re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"SMOKE_DB tidak sah: {name!r}")
    port = int(os.environ.get("SMOKE_PORT") or free_port())
    database_url = maintenance_url.rsplit("/", 1)[0] + "/" + name
    workdir = Path(tempfile.mkdtemp(prefix="bantar-smoke-"))

    execute(maintenance_url, f"DROP DATABASE IF EXISTS {name}")
    execute(maintenance_url, f"CREATE DATABASE {name}")
    try:
        run_smoke(database_url=database_url, port=port, workdir=workdir)
    finally:
        execute(maintenance_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)
    print("PASS production smoke test")


if __name__ == "__main__":
    try:
        main()
    except (SmokeFailure, subprocess.CalledProcessError) as error:
        print(f"FAIL production smoke test: {error}", file=sys.stderr)
        sys.exit(1)
