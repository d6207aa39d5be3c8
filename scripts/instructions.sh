#!/usr/bin/env bash
# Instructions the emulator's process executes per token-authenticated DingTalk get and
# per signed OpenAPI add, counted by valgrind's callgrind: unlike throughput or CPU time,
# the count is the same from run to run whatever else the machine is doing, so it shows
# a change of a few per cent that the machine's drift hides from scripts/ab.sh and
# scripts/bench.sh (docs/performance.md).
#
#   scripts/instructions.sh BINARY [BINARY …] [-n REQUESTS]     (default 2000 of each)
#
# Each binary is started once under callgrind on a fresh SQLite file. Gets: one customer
# is created, 200 gets warm it up, the count is zeroed, REQUESTS gets are sent one at a
# time on one connection, and the count is divided by them. Adds: the same, with signed
# adds of the vendor document's example body (scripts/bench/add-body.json), signed by
# scripts/bench/signatures.py (a random UUID v4 nonce each), from 8 connections at once,
# so that they are written in batches as under load. Every answer
# must be a success. Needs valgrind and python3. Counts user-space instructions only:
# the kernel's share of a request (its socket calls, the WAL's writes) is not in it.
set -euo pipefail
scripts=$(dirname "$(realpath "$0")")
. "$scripts/bench/customer.sh"
n=2000 bins=()
while [ $# -gt 0 ]; do
  case $1 in
    -n) n=$2; shift 2 ;;
    *) bins+=("$(realpath "$1")"); shift ;;
  esac
done
[ ${#bins[@]} -gt 0 ] || { sed -n 2,17p "$0" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 1; }
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

clients() {  # clients get|add URL COUNT: COUNT requests, each answered with a success
  local signed=$dir/signed.txt
  [ "$1" = add ] && python3 "$scripts/bench/signatures.py" "$3" > "$signed"
  python3 - "$@" "$signed" "$scripts/bench/add-body.json" <<'PY'
import http.client, sys, threading, urllib.parse
kind, url, count = sys.argv[1], urllib.parse.urlsplit(sys.argv[2]), int(sys.argv[3])
body = open(sys.argv[5], "rb").read()
signed = iter(open(sys.argv[4]).read().split("\n")) if kind == "add" else None
lock = threading.Lock()
failed = []

def send(requests):
    conn = http.client.HTTPConnection(url.hostname, url.port)
    for _ in range(requests):
        if kind == "get":
            conn.request("GET", f"{url.path}?{url.query}")
        else:
            with lock:
                nonce, ts, signature = next(signed).split()
            headers = {"appid": "1090", "nonce": nonce, "timestamp": ts,
                       "signature": signature, "Content-Type": "application/json"}
            conn.request("POST", "/openapi/crm/add", body, headers)
        answer = conn.getresponse()
        text = answer.read()
        if answer.status != 200 or (kind == "add" and b'"success":true' not in text):
            failed.append(f"{kind}: {answer.status} {text[:200]!r}")

connections = 1 if kind == "get" else 8
threads = [threading.Thread(target=send, args=(count // connections,)) for _ in range(connections)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
if failed:
    sys.exit(failed[0])
PY
}

counted() {  # counted PID OUT get|add URL: instructions per request, after a warm-up
  local connections=1 total
  [ "$3" = add ] && connections=8
  clients "$3" "$4" 200
  callgrind_control -z "$1" >/dev/null 2>&1
  clients "$3" "$4" "$n"
  callgrind_control -d "$1" >/dev/null 2>&1
  total=$(callgrind_annotate "$(ls -t "$2".* | head -1)" 2>/dev/null |
    awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  echo $(( total / (n / connections * connections) ))
}

for bin in "${bins[@]}"; do
  base=http://127.0.0.1:18096 out=$dir/callgrind.out
  rm -f "$dir"/callgrind.out* "$dir"/count.db*
  RUST_LOG=warn valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$bin" --bind 127.0.0.1:18096 --database-url "sqlite://$dir/count.db" >/dev/null 2>&1 &
  pid=$!
  until curl -fs "$base/_emulator/health" >/dev/null 2>&1; do sleep 0.2; done
  read -r token customer < <(bench_customer "$base")
  url="$base/crm/customer/get?access_token=$token&id=$customer"
  get=$(counted "$pid" "$out" get "$url")
  add=$(counted "$pid" "$out" add "$base/")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo "$bin: $get instructions per get, $add per signed add"
done
