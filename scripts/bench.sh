#!/usr/bin/env bash
# Throughput and footprint figures of the README's "Measured figures" table.
#
#   scripts/bench.sh [seconds]        (default 10 s per load run; needs wrk and python3)
#
# Everything runs on this machine: the load generator (wrk, 2 threads, 64 connections)
# shares the cores with the server, as the targets assume. Release builds are used.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
threads=2
conns=64
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

cargo build --release --quiet --bin crm-emulator --example hello
bin=target/release/crm-emulator
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

wait_for() { until curl -fs "$1" >/dev/null 2>&1; do sleep 0.05; done; }
rps() { awk '/Requests\/sec/ {print int($2)}'; }
non2xx() { awk '/Non-2xx/ {print $NF} END {}' ; }

echo "== baseline: bare axum hello-world"
target/release/examples/hello 127.0.0.1:18090 & pids+=($!)
wait_for http://127.0.0.1:18090/
hello=$(wrk -t$threads -c$conns -d"${secs}s" http://127.0.0.1:18090/ | tee "$dir/hello.txt" | rps)
kill "${pids[-1]}"; echo "hello-world: $hello req/s"

echo "== emulator on SQLite ($dir/bench.db)"
RUST_LOG=warn "$bin" --bind 127.0.0.1:18091 --database-url "sqlite://$dir/bench.db" >/dev/null & pids+=($!)
emu=${pids[-1]}
wait_for http://127.0.0.1:18091/_emulator/health
sleep 1
idle_kb=$(ps -o rss= -p "$emu" | tr -d ' ')

base=http://127.0.0.1:18091
token=$(curl -s "$base/gettoken?corpid=dingemulator&corpsecret=emulator-secret" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
customer=$(curl -s -X POST "$base/crm/customer/create?access_token=$token&user_id=bench" \
  -H 'Content-Type: application/json' \
  -d '{"customer":{"name":"Bench Ltd","address":"1 Road","description":"bench","telephone":"010-1"},"contacts":[{"name":"A","mobile":"1","attached":"x"},{"name":"B","mobile":"2","attached":"y"}],"userIds":["u1","u2"],"create_by":"bench"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["customerid"])')

echo "== token-authenticated read: GET /crm/customer/get"
read_out=$(wrk -t$threads -c$conns -d"${secs}s" "$base/crm/customer/get?access_token=$token&id=$customer")
read_rps=$(echo "$read_out" | rps)
echo "$read_out" | grep -q "Non-2xx" && { echo "$read_out"; echo "read run had errors" >&2; exit 1; }
body=$(curl -s "$base/crm/customer/get?access_token=$token&id=$customer")
echo "$body" | grep -q '"errcode":0' || { echo "read answered: $body" >&2; exit 1; }

echo "== signed write: POST /openapi/crm/add"
count=$(( secs * 40000 ))
python3 - "$count" > "$dir/signed.txt" <<'PY'
import base64, hashlib, hmac, sys, time
n = int(sys.argv[1]); ts = str(int(time.time()))
for i in range(n):
    nonce = f"bench{i}"
    sig = base64.b64encode(hmac.new(b"emulator-secret", f"1090{nonce}{ts}".encode(), hashlib.sha256).digest()).decode()
    print(nonce, ts, sig)
PY
write_out=$(SIGNED_HEADERS="$dir/signed.txt" WRK_THREADS=$threads wrk -t$threads -c$conns -d"${secs}s" -s scripts/bench/signed-add.lua "$base")
write_rps=$(echo "$write_out" | rps)
if echo "$write_out" | grep -q "Non-2xx"; then echo "$write_out"; echo "write run had errors" >&2; exit 1; fi

echo
echo "| what | figure |"
echo "|---|---|"
echo "| bare axum hello-world | $hello req/s |"
echo "| token-authenticated read (GET /crm/customer/get) | $read_rps req/s ($(( read_rps * 100 / hello )) % of hello-world) |"
echo "| signed write (POST /openapi/crm/add) | $write_rps req/s |"
echo "| idle memory (RSS after start-up) | $(( idle_kb / 1024 )) MiB |"
