"""Gunicorn settings for the portal, used by deploy/bantar-web.service and the CI smoke
test (`gunicorn -c deploy/gunicorn.conf.py bantar.wsgi`). Values come from the same
/etc/bantar/bantar.env as the portal's settings; see README.md ("Deploying")."""

import os

# nginx on the same machine is the only client; never listen on a public address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))

# A page that takes longer than this is killed and answers 502 instead of holding a
# worker forever. Long PDFs (SK, piagam batches, Berita Acara) run on the background
# worker (bantar_worker), so 60 s leaves room for one piagam or an xlsx export, not for
# a stuck request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On restart or upgrade, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Performance (issue 10): the sync worker closes every connection after one request, so
# tablets and nginx paid a new TCP connection per save; gthread keeps connections alive
# (keepalive above) and lets a worker answer while another thread waits on the database.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Logs to stdout/stderr, which systemd keeps in the journal (journalctl -u bantar-web).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Trust X-Forwarded-* only from nginx on this machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "bantar-web"
# Gunicorn 24+ opens a control socket under $HOME (the checkout, for the service user);
# nothing here uses it. Older versions ignore the setting.
control_socket_disable = True
