#!/usr/bin/env bash
# Runs every client example under examples/clients/ against the real binary, so that
# the examples the README shows cannot rot: the Python ones (the dingtalk-sdk package
# for the DingTalk API, requests with an HMAC signature for the OpenAPI one) and the
# Node ones (built-in fetch and crypto), over HTTP; then the DingTalk SDK example again
# over HTTPS, trusting only the CA the emulator made (REQUESTS_CA_BUNDLE replaces the
# system's roots), and the Node ones with that CA added.
#
#   tests/clients/run.sh [BINARY]
#
# BINARY defaults to target/debug/crm-emulator (build it first). The emulator runs on a
# throw-away SQLite file with --tls-bind, its CA in the same throw-away folder. The
# Python packages are pinned in tests/clients/requirements.txt and installed into
# target/clients-venv; Node 18 or later must be on the PATH (.ci/run installs Debian's
# nodejs when it is missing). Every example is a program that exits non-zero on any
# surprise; a new one is picked up by dropping it into examples/clients/python/*.py or
# examples/clients/node/*.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."

binary="${1:-target/debug/crm-emulator}"
[ -x "$binary" ] || { echo "FATAL: no binary at $binary (run cargo build)" >&2; exit 1; }
command -v node >/dev/null || { echo "FATAL: node is not installed" >&2; exit 1; }

venv=target/clients-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r tests/clients/requirements.txt

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Ports 0: the banner says which ones the emulator got.
"$binary" --bind 127.0.0.1:0 --tls-bind 127.0.0.1:0 --tls-dir "$work/tls" \
  --database-url "sqlite://$work/crm.db" >"$work/server.log" 2>&1 &
server_pid=$!
http=""
for _ in $(seq 1 100); do
  http="$(sed -n 's/^  listening on *\(http:[^ ]*\).*/\1/p' "$work/server.log")"
  [ -n "$http" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$http" ] || { echo "FATAL: the emulator did not start" >&2; cat "$work/server.log" >&2; exit 1; }
https="$(sed -n 's/^  HTTPS *\(https:[^ ]*\).*/\1/p' "$work/server.log")"
# The certificate names localhost, 127.0.0.1 and ::1; a client checks the name it used.
https="${https/127.0.0.1/localhost}"
ca="$work/tls/ca.pem"
[ -n "$https" ] && [ -f "$ca" ] || { echo "FATAL: no HTTPS base or CA in the banner" >&2; cat "$work/server.log" >&2; exit 1; }

passed=0
failed=0
# run NAME COMMAND...: one example, its output indented; a failure is counted, not fatal.
run() {
  local name="$1"
  shift
  echo "-- $name"
  if "$@" 2>&1 | sed 's/^/   /'; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    passed=$((passed + 1))
  else
    echo "   FAILED: $name"
    failed=$((failed + 1))
  fi
}

for example in examples/clients/python/*.py; do
  run "python $example (HTTP)" env CRM_EMULATOR_URL="$http" "$venv/bin/python" "$example"
done
for example in examples/clients/node/*.mjs; do
  run "node $example (HTTP)" env CRM_EMULATOR_URL="$http" node "$example"
done
run "python examples/clients/python/dingtalk_crm.py (HTTPS, trusting only the emulator's CA)" \
  env CRM_EMULATOR_URL="$https" REQUESTS_CA_BUNDLE="$ca" "$venv/bin/python" examples/clients/python/dingtalk_crm.py
for example in examples/clients/node/*.mjs; do
  run "node $example (HTTPS)" env CRM_EMULATOR_URL="$https" NODE_EXTRA_CA_CERTS="$ca" node "$example"
done

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "the emulator died during the run" >&2
  tail -n 30 "$work/server.log" >&2
  failed=$((failed + 1))
fi
echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
