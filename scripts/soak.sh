#!/usr/bin/env bash
# Sustained mixed load against one emulator: throughput, p99/p99.9, failed answers, and
# the server's memory over time (issue 11: after the first 30 s RSS must stay flat).
#
#   scripts/soak.sh [SECONDS] [CONNECTIONS]     (default 120 s, 64 connections)
#
# A release build on a fresh SQLite file; with SOAK_POSTGRES_URL set (e.g.
# postgres://postgres@127.0.0.1:5432/postgres) on a fresh Postgres database created
# there (and dropped after). The load is scripts/bench/mixed.lua: signed adds, signed
# finds and list pages, DingTalk gets and creates. Needs wrk and python3 (and psql for
# Postgres). Set SOAK_BIN to soak a binary already built instead, MIX to change the
# mix (see mixed.lua), SOAK_LOG to the server's RUST_LOG (default warn) and
# SOAK_SERVER_LOG to a file to keep the server's log in.
#
# Prints VmRSS every 5 s, then wrk's summary, the failed answers (non-2xx, or an
# envelope reporting failure), p99/p99.9, RSS at start, after 30 s and at the end, and
# the server's CPU time per request.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-120}
conns=${2:-64}
threads=2
port=${SOAK_PORT:-18093}
base=http://127.0.0.1:$port
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

bin=${SOAK_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet --bin crm-emulator
  bin=target/release/crm-emulator
fi
dir=$(mktemp -d)
pid=
pgdb=
admin_url=${SOAK_POSTGRES_URL:-}
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  if [ -n "$pgdb" ]; then
    psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

if [ -n "$admin_url" ]; then
  pgdb=crm_soak_$$
  psql -q "$admin_url" -c "CREATE DATABASE $pgdb" >/dev/null
  url="${admin_url%/*}/$pgdb"
  label=Postgres
else
  url="sqlite://$dir/soak.db"
  label=SQLite
fi

# One line per OpenAPI request (about half of the mix), at up to 20 k requests/s.
python3 scripts/bench/signatures.py "$(( secs * 10000 ))" > "$dir/signed.txt"

# The timestamps above were taken once: the window must cover the whole run.
RUST_LOG=${SOAK_LOG:-warn} "$bin" --bind "127.0.0.1:$port" --database-url "$url" \
  --signature-window $(( secs + 300 )) >"$dir/server.log" 2>&1 &
pid=$!
until curl -fs "$base/_emulator/health" >/dev/null 2>&1; do sleep 0.05; done

token=$(curl -s "$base/gettoken?corpid=dingemulator&corpsecret=emulator-secret" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
dt_customer=$(curl -s -X POST "$base/crm/customer/create?access_token=$token&user_id=soak" \
  -H 'Content-Type: application/json' \
  -d '{"customer":{"name":"Soak Ltd","address":"1 Road","description":"soak","telephone":"010-1"},"contacts":[{"name":"A","mobile":"1","attached":"x"}],"userIds":["u1"],"create_by":"soak"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["customerid"])')
oa_customer=$(python3 - "$base" <<'PY'
import base64, hashlib, hmac, json, sys, time, urllib.request
ts = str(int(time.time())); nonce = "soak-setup"
sig = base64.b64encode(hmac.new(b"emulator-secret", f"1090{nonce}{ts}".encode(), hashlib.sha256).digest()).decode()
req = urllib.request.Request(sys.argv[1] + "/openapi/crm/add", method="POST",
    data=b'{"customerName":"soak","mobile":[{"value":"13800000000"}]}',
    headers={"appid": "1090", "nonce": nonce, "timestamp": ts, "signature": sig, "Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req))["data"]["_id"])
PY
)

rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
sleep 1
rss_start=$(rss)
ticks_start=$(ticks)
echo "== soak on $label: ${secs} s, $conns connections, wrk -t$threads; RSS at start ${rss_start} kB"

(
  t=0
  while kill -0 "$pid" 2>/dev/null && [ "$t" -le "$secs" ]; do
    sleep 5
    t=$((t + 5))
    echo "$t $(rss)"
  done
) > "$dir/rss.txt" &
sampler=$!

SIGNED_HEADERS="$dir/signed.txt" WRK_THREADS=$threads TOKEN=$token DT_CUSTOMER=$dt_customer \
  OA_CUSTOMER=$oa_customer wrk --latency -t$threads -c"$conns" -d"${secs}s" --timeout 10s \
  -s scripts/bench/mixed.lua "$base" | tee "$dir/wrk.txt"
ticks_end=$(ticks)
rss_end=$(rss)
wait "$sampler" 2>/dev/null || true

echo
echo "RSS (kB) every 5 s:"
awk '{printf "%s s: %s\n", $1, $2}' "$dir/rss.txt" | paste -sd ' ' | fold -s -w 100
rss_30=$(awk '$1 >= 30 {print $2; exit}' "$dir/rss.txt")
rss_30=${rss_30:-$rss_start}
requests=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
hz=$(getconf CLK_TCK)
cpu_us=$(( (ticks_end - ticks_start) * 1000000 / hz / (requests > 0 ? requests : 1) ))
failed=$(awk '/^soak: answers/ {gsub(",", "", $5); print $5}' "$dir/wrk.txt")
python3 - "$rss_start" "$rss_30" "$rss_end" <<'PY'
import sys
start, at30, end = (int(x) for x in sys.argv[1:])
print(f"RSS: start {start/1024:.1f} MiB, after 30 s {at30/1024:.1f} MiB, end {end/1024:.1f} MiB "
      f"({(end - at30) / at30 * 100:+.1f} % since 30 s)")
PY
echo "throughput: $(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt") req/s; server CPU ${cpu_us} µs/request; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "failed answers: ${failed:-unknown}"
if grep -q "panicked\|ERROR" "$dir/server.log"; then
  echo "the server logged errors:" >&2
  grep -m5 "panicked\|ERROR" "$dir/server.log" >&2
fi
[ -n "${SOAK_SERVER_LOG:-}" ] && cp "$dir/server.log" "$SOAK_SERVER_LOG"
[ "${failed:-1}" = "0" ]
