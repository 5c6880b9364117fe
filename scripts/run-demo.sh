#!/usr/bin/env bash
# Serve the demo: a task worker in the background and gunicorn in the foreground.
# Ctrl-C stops both. Called by `make demo` after the database and demo data are ready.
set -uo pipefail
cd "$(dirname "$0")/.."
set -a
# shellcheck disable=SC1091
. var/env
set +a
PORT="${PORT:-8000}"
BIND="${BIND:-127.0.0.1}"

.venv/bin/medoffice worker &
WORKER=$!
stop_worker() {
  kill -TERM "$WORKER" 2>/dev/null || true
  wait "$WORKER" 2>/dev/null || true
}
# gunicorn runs in the foreground, so Ctrl-C reaches it directly; when it stops,
# for whatever reason, the worker is stopped too.
trap stop_worker EXIT
trap 'exit 130' INT TERM

echo "MedOffice is serving on http://${BIND}:${PORT}  (Ctrl-C stops the server and the worker)"
.venv/bin/gunicorn medoffice.wsgi:application -c python:medoffice.gunicorn_conf \
  --bind "${BIND}:${PORT}" --workers "${WEB_WORKERS:-3}" --threads 2 \
  --graceful-timeout 5 --access-logfile - --error-logfile - --log-level warning
