#!/usr/bin/env bash
# Instructions the emulator's process executes per token-authenticated DingTalk get,
# counted by valgrind's callgrind: unlike throughput or CPU time, the count is the same
# from run to run whatever else the machine is doing, so it shows a change of a few per
# cent that the machine's drift hides from scripts/ab.sh (docs/performance.md).
#
#   scripts/instructions.sh BINARY [BINARY …] [-n REQUESTS]     (default 4000 requests)
#
# Each binary is started under callgrind on a fresh SQLite file; one customer is created,
# 200 gets warm it up, then the count is zeroed, REQUESTS gets are sent one at a time on
# one connection (each must answer 200), and the count is divided by them. Needs valgrind
# and python3. Counts user-space instructions only: the kernel's share of a request
# (its socket calls) is not in it.
set -euo pipefail
n=4000 bins=()
while [ $# -gt 0 ]; do
  case $1 in
    -n) n=$2; shift 2 ;;
    *) bins+=("$(realpath "$1")"); shift ;;
  esac
done
[ ${#bins[@]} -gt 0 ] || { sed -n 2,13p "$0" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 1; }
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

gets() {  # gets URL COUNT: COUNT gets on one connection, each answered 200
  python3 - "$1" "$2" <<'PY'
import http.client, sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
conn = http.client.HTTPConnection(url.hostname, url.port)
for _ in range(int(sys.argv[2])):
    conn.request("GET", f"{url.path}?{url.query}")
    answer = conn.getresponse()
    answer.read()
    if answer.status != 200:
        sys.exit(f"the get answered {answer.status}")
PY
}

for bin in "${bins[@]}"; do
  base=http://127.0.0.1:18096 out=$dir/callgrind.out
  rm -f "$dir"/callgrind.out* "$dir"/count.db*
  RUST_LOG=warn valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$bin" --bind 127.0.0.1:18096 --database-url "sqlite://$dir/count.db" >/dev/null 2>&1 &
  pid=$!
  until curl -fs "$base/_emulator/health" >/dev/null 2>&1; do sleep 0.2; done
  token=$(curl -s "$base/gettoken?corpid=dingemulator&corpsecret=emulator-secret" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  customer=$(curl -s -X POST "$base/crm/customer/create?access_token=$token&user_id=bench" \
    -H 'Content-Type: application/json' \
    -d '{"customer":{"name":"Bench Ltd","address":"1 Road","description":"bench","telephone":"010-1"},"contacts":[{"name":"A","mobile":"1","attached":"x"},{"name":"B","mobile":"2","attached":"y"}],"userIds":["u1","u2"],"create_by":"bench"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["customerid"])')
  url="$base/crm/customer/get?access_token=$token&id=$customer"
  gets "$url" 200
  callgrind_control -z "$pid" >/dev/null 2>&1
  gets "$url" "$n"
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  total=$(callgrind_annotate "$(ls -t "$out".* | head -1)" 2>/dev/null |
    awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  echo "$bin: $(( total / n )) instructions per get"
done
