#!/bin/sh
# Run manage.py with the production settings in /etc/bantar/bantar.env, as the systemd
# units do: deploy/manage.sh migrate, deploy/manage.sh collectstatic --noinput, ...
# Run it as the service user: sudo -u bantar deploy/manage.sh <command>
set -eu
cd "$(dirname "$0")/.."
set -a
. "${BANTAR_ENV:-/etc/bantar/bantar.env}"
set +a
exec .venv/bin/python manage.py "$@"
