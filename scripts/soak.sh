#!/usr/bin/env bash
# Sustained mixed load against one emulator: throughput, p99/p99.9, failed answers, and
# the server's memory over time: RSS is printed every 10 s, and the run fails if RSS
# grows more than SOAK_RSS_GROWTH % (default 20) above its value at the end of the
# warm-up (SOAK_WARMUP seconds, default 60, or a quarter of a shorter run), or if any
# answer failed.
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
# Prints VmRSS every 10 s as it goes, then wrk's summary, the failed answers (non-2xx,
# or an envelope reporting failure), p99/p99.9, RSS at start, after the warm-up, its
# highest since and at the end, and the server's CPU time per request. A 10-minute soak
# on each backend: `scripts/soak.sh 600` and `SOAK_POSTGRES_URL=… scripts/soak.sh 600`.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-120}
conns=${2:-64}
growth=${SOAK_RSS_GROWTH:-20}
warmup=${SOAK_WARMUP:-60}
[ "$warmup" -le $(( secs / 4 )) ] || warmup=$(( secs / 4 / 10 * 10 ))
[ "$warmup" -ge 10 ] || warmup=10
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

# The timestamps above move on one second per 10,000 lines, which a slower run falls
# behind and a faster one gets ahead of: the window covers the whole run either way.
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
  while kill -0 "$pid" 2>/dev/null && [ "$t" -lt "$secs" ]; do
    sleep 10
    t=$((t + 10))
    echo "$t $(rss)" >> "$dir/rss.txt"
    echo "rss: $t s $(rss) kB" >&2
  done
) &
sampler=$!

SIGNED_HEADERS="$dir/signed.txt" WRK_THREADS=$threads TOKEN=$token DT_CUSTOMER=$dt_customer \
  OA_CUSTOMER=$oa_customer wrk --latency -t$threads -c"$conns" -d"${secs}s" --timeout 10s \
  -s scripts/bench/mixed.lua "$base" | tee "$dir/wrk.txt"
ticks_end=$(ticks)
rss_end=$(rss)
wait "$sampler" 2>/dev/null || true

echo
echo "RSS (kB) every 10 s:"
awk '{printf "%s s: %s\n", $1, $2}' "$dir/rss.txt" | paste -sd ' ' | fold -s -w 100
rss_warm=$(awk -v w="$warmup" '$1 >= w {print $2; exit}' "$dir/rss.txt")
rss_warm=${rss_warm:-$rss_start}
rss_peak=$(awk -v w="$warmup" 'BEGIN {m = 0} $1 >= w && $2 > m {m = $2} END {print m}' "$dir/rss.txt")
[ "$rss_peak" -ge "$rss_end" ] || rss_peak=$rss_end
requests=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
hz=$(getconf CLK_TCK)
cpu_us=$(( (ticks_end - ticks_start) * 1000000 / hz / (requests > 0 ? requests : 1) ))
failed=$(awk '/^soak: answers/ {gsub(",", "", $5); print $5}' "$dir/wrk.txt")
rss_ok=0
python3 - "$rss_start" "$rss_warm" "$rss_peak" "$rss_end" "$warmup" "$growth" <<'PY' || rss_ok=1
import sys
start, warm, peak, end, warmup, growth = (int(x) for x in sys.argv[1:])
grew = (peak - warm) / warm * 100
print(f"RSS: start {start/1024:.1f} MiB, after the {warmup} s warm-up {warm/1024:.1f} MiB, "
      f"highest since {peak/1024:.1f} MiB ({grew:+.1f} %), end {end/1024:.1f} MiB; bound +{growth} %")
if grew > growth:
    print(f"RSS grew {grew:.1f} % after the warm-up, more than {growth} %", file=sys.stderr)
    sys.exit(1)
PY
echo "throughput: $(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt") req/s; server CPU ${cpu_us} µs/request; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "failed answers: ${failed:-unknown}"
if grep -q "panicked\|ERROR" "$dir/server.log"; then
  echo "the server logged errors:" >&2
  grep -m5 "panicked\|ERROR" "$dir/server.log" >&2
fi
[ -n "${SOAK_SERVER_LOG:-}" ] && cp "$dir/server.log" "$SOAK_SERVER_LOG"
[ "${failed:-1}" = "0" ] && [ "$rss_ok" = 0 ]
