#!/usr/bin/env bash
# The suite on SQLite, then on PostgreSQL. With CI set, an unreachable PostgreSQL fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
export MEDOFFICE_TESTING=1
PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
WORKERS="${TEST_WORKERS:-auto}"

run() {
  local label="$1"; shift
  echo "== tests on ${label}"
  .venv/bin/pytest -n "$WORKERS" -p no:cacheprovider "$@"
}

status=0
DATABASE_URL="sqlite:///$(pwd)/var/test.sqlite3" run SQLite "$@" || status=1

if .venv/bin/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=5).close()
except Exception as exc:
    print(f"PostgreSQL unreachable: {exc}")
    sys.exit(1)
PY
then
  DATABASE_URL="$PG_URL" run PostgreSQL "$@" || status=1
elif [ "${CI:-}" = "true" ]; then
  echo "CI is set and PostgreSQL at ${PG_URL} is unreachable: failing."
  status=1
else
  echo "PostgreSQL unreachable: skipped the PostgreSQL run (set CI=true to make this fatal)."
fi
exit $status
