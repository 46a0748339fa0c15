#!/usr/bin/env bash
# The whole test suite: lint, types, architecture contracts, migrations, pytest on SQLite and,
# when reachable, again on PostgreSQL. `.ci/run` runs exactly this (via `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"
export URAKATA_TESTING=1
export URAKATA_DATA_DIR="${URAKATA_DATA_DIR:-$PWD/var/test}"
# The API fuzz run in make test replays one fixed seed so a landing is reproducible; `make fuzz`
# (and URAKATA_FUZZ_SEED=random) explores new inputs.
export URAKATA_FUZZ_SEED="${URAKATA_FUZZ_SEED:-20261204}"

bash scripts/system-deps.sh

echo "== ruff"; ruff check src benchmarks scripts; ruff format --check src benchmarks scripts
echo "== sizes"; python scripts/size_check.py
echo "== mypy"; mypy
echo "== import-linter"; lint-imports
echo "== migrations"; env -u DATABASE_URL urakata makemigrations --check --dry-run >/dev/null

PYTEST_ARGS=(${PYTEST_ARGS:-})
# Parallel workers (pytest-xdist), one per core unless PYTEST_WORKERS says otherwise; each worker
# gets its own test database. Tests of one module stay on one worker (module-scoped fixtures).
WORKERS=(-n "${PYTEST_WORKERS:-auto}" --dist loadfile)
echo "== pytest (SQLite)"
env -u DATABASE_URL pytest "${WORKERS[@]}" "${PYTEST_ARGS[@]}"

PG_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/urakata}"
if python - "$PG_URL" <<'PY'
import sys, psycopg
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
try:
    psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, password=u.password,
                    dbname="postgres", connect_timeout=3).close()
except Exception as e:
    print(f"PostgreSQL not reachable ({e}); skipping the PostgreSQL run", file=sys.stderr)
    sys.exit(1)
PY
then
  # Browser tests and tests that run `urakata` as its own process (always on SQLite) ran above.
  echo "== pytest (PostgreSQL)"
  DATABASE_URL="$PG_URL" pytest "${WORKERS[@]}" -m "not browser and not process" "${PYTEST_ARGS[@]}"
fi
