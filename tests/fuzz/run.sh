#!/usr/bin/env bash
# Property-based fuzzing of the served OpenAPI document (issue 11): Schemathesis generates
# requests for every operation of the three surfaces from /_emulator/openapi.json and
# sends them to the real binary, on SQLite and on Postgres. A run fails on any 5xx, any
# status, content type or body the document does not describe, any request that takes
# longer than the timeout (a hang), a server that stops answering or panics, or fewer
# than MIN_CASES generated cases on a backend.
#
#   tests/fuzz/run.sh [BINARY] [sqlite|postgres|both]
#
# BINARY defaults to target/debug/crm-emulator (build it first); the backend to both.
# The Postgres leg needs CRM_EMULATOR_TEST_POSTGRES_URL (as `cargo test` does); it
# creates a throw-away database next to that URL's and drops it afterwards, and fails
# rather than skip when the URL is missing. Schemathesis is pinned in
# tests/fuzz/requirements.txt and installed into target/fuzz-venv. Reports (JSON, and a
# HAR of every request on failure) go to target/fuzz/<backend>/.
#
# Knobs (environment): FUZZ_MAX_EXAMPLES (cases per operation and phase, default 25),
# FUZZ_SEED (default 11, so a failure reproduces; change it to explore), MIN_CASES
# (default 1000), FUZZ_OUT (where reports go, default target/fuzz), FUZZ_SERVER_ARGS
# (more flags for the server, e.g. `--default-mode strict`).
set -euo pipefail
cd "$(dirname "$0")/../.."

binary="${1:-target/debug/crm-emulator}"
backends="${2:-both}"
max_examples="${FUZZ_MAX_EXAMPLES:-25}"
seed="${FUZZ_SEED:-11}"
min_cases="${MIN_CASES:-1000}"
out_root="${FUZZ_OUT:-target/fuzz}"

[ -x "$binary" ] || { echo "FATAL: no binary at $binary (run cargo build)" >&2; exit 1; }

venv=target/fuzz-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r tests/fuzz/requirements.txt

free_port() {
  "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

server_pid=""
pg_admin_url=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
  if [ -n "$pg_db" ]; then
    psql -q -d "$pg_admin_url" -c "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" >/dev/null || true
    pg_db=""
  fi
}
trap cleanup EXIT

# fuzz_one NAME DATABASE_URL: serve on DATABASE_URL, fuzz, stop; fails on any finding.
fuzz_one() {
  local name="$1" database_url="$2"
  local out="$PWD/$out_root/$name" port base started
  rm -rf "$out" && mkdir -p "$out"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  # shellcheck disable=SC2086 # FUZZ_SERVER_ARGS is a list of flags
  "$binary" --bind "127.0.0.1:$port" --database-url "$database_url" ${FUZZ_SERVER_ARGS:-} \
    >"$out/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "$base/_emulator/health" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  curl -sf "$base/_emulator/health" >/dev/null || {
    echo "FATAL: the emulator did not start on $name" >&2
    tail -n 30 "$out/server.log" >&2
    exit 1
  }

  started=$(date +%s)
  local status=0
  # One worker: the hooks undo state-wrecking control-plane calls (clock moves, faults,
  # imports) right after them, before any other case is sent.
  # Run from $out: Schemathesis keeps a cache (.schemathesis/) in its working directory.
  (cd "$out" && CRM_FUZZ_BASE_URL="$base" CRM_FUZZ_TALLY="$out/tally.json" \
    SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$OLDPWD/tests/fuzz" \
    "$OLDPWD/$venv/bin/schemathesis" run "$base/_emulator/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --workers 1 \
    --request-timeout 10 \
    --max-response-time 10 \
    --generation-database none \
    --no-color \
    --output-truncate false \
    --report json,har \
    --report-json-path "$out/report.json" \
    --report-har-path "$out/requests.har" \
    >"$out/schemathesis.txt" 2>&1) || status=$?

  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "FATAL: the emulator died during the $name run" >&2
    tail -n 40 "$out/server.log" >&2
    status=1
  fi
  cleanup_server
  # A panic in a background task answers no request, so no check sees it; the log does.
  if grep -q "panicked" "$out/server.log"; then
    echo "FATAL: the emulator panicked during the $name run" >&2
    grep -m 3 -A 3 "panicked" "$out/server.log" >&2
    status=1
  fi
  local cases
  cases="$("$venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["test_cases"]["generated"])' "$out/report.json" 2>/dev/null || echo 0)"
  echo "fuzz [$name]: $cases generated cases in $(( $(date +%s) - started )) s (schemathesis exit $status)"
  "$venv/bin/python" tests/fuzz/tally.py "$out/tally.json" || status=1
  if [ "$status" -ne 0 ]; then
    sed -n '/=== FAILURES ===\|=== ERRORS ===/,$p' "$out/schemathesis.txt" | head -n 200 >&2
    echo "FAILED: fuzzing on $name; the whole output is in $out/schemathesis.txt" >&2
    exit 1
  fi
  if [ "$cases" -lt "$min_cases" ]; then
    echo "FAILED: only $cases cases on $name; at least $min_cases are due" >&2
    exit 1
  fi
}

cleanup_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

step_started=$(date +%s)
if [ "$backends" = sqlite ] || [ "$backends" = both ]; then
  mkdir -p "$out_root"
  db_file="$out_root/fuzz-sqlite.db"
  rm -f "$db_file" "$db_file"-*
  fuzz_one sqlite "sqlite://$db_file"
  rm -f "$db_file" "$db_file"-*
fi

if [ "$backends" = postgres ] || [ "$backends" = both ]; then
  pg_admin_url="${CRM_EMULATOR_TEST_POSTGRES_URL:-}"
  [ -n "$pg_admin_url" ] || {
    echo "FATAL: CRM_EMULATOR_TEST_POSTGRES_URL is not set; the Postgres leg cannot be skipped" >&2
    exit 1
  }
  pg_db="crm_fuzz_$$_$(date +%s)"
  psql -q -v ON_ERROR_STOP=1 -d "$pg_admin_url" -c "CREATE DATABASE \"$pg_db\"" >/dev/null
  # The same server and credentials, the new database: replace the URL's path.
  pg_url="$("$venv/bin/python" -c '
import sys, urllib.parse as u
url = u.urlsplit(sys.argv[1])
print(u.urlunsplit(url._replace(path="/" + sys.argv[2])))' "$pg_admin_url" "$pg_db")"
  fuzz_one postgres "$pg_url"
fi
echo "fuzz: passed ($backends) in $(( $(date +%s) - step_started )) s"
