#!/usr/bin/env bash
# Two builds of the emulator, A and B, compared on the token-authenticated DingTalk get
# in one sitting: runs alternate A, B, A, B, … so that the machine's drift falls on both
# (docs/performance.md records the figures).
#
#   scripts/ab.sh BINARY_A BINARY_B [rounds] [seconds] [connections]
#                                        (default 4 rounds of 10 s at 32 connections)
#
# Build each binary with `cargo build --release` from its own checkout and copy it out.
# Each run starts the binary on a fresh SQLite file, creates the customer whose get
# scripts/bench.sh loads, and loads that get with wrk (one thread). Prints each run's
# requests per second, p99 and the server's CPU time per request, then each build's
# median; CPU per request barely moves when something else competes for the cores, so
# it is the figure to trust on a busy box.
set -euo pipefail
. "$(dirname "$0")/bench/customer.sh"
[ $# -ge 2 ] || { sed -n 2,14p "$0" >&2; exit 2; }
a=$(realpath "$1") b=$(realpath "$2")
rounds=${3:-4} secs=${4:-10} conns=${5:-32}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {  # run BINARY N: "<req/s> <p99 ms> <CPU µs per request>"
  local base=http://127.0.0.1:18095 token customer out before after requests
  RUST_LOG=warn "$1" --bind 127.0.0.1:18095 --database-url "sqlite://$dir/ab$2.db" >/dev/null 2>&1 &
  pid=$!
  until curl -fs "$base/_emulator/health" >/dev/null 2>&1; do sleep 0.05; done
  read -r token customer < <(bench_customer "$base")
  local get="$base/crm/customer/get?access_token=$token&id=$customer"
  wrk -t1 -c"$conns" -d2s "$get" >/dev/null # warm-up
  before=$(ticks "$pid")
  out=$(wrk --latency -t1 -c"$conns" -d"${secs}s" "$get")
  after=$(ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  if echo "$out" | grep -q "Non-2xx"; then echo "$out" >&2; exit 1; fi
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$out" | awk -v cpu=$(( (after - before) * 1000000 / hz / requests )) '
    /Requests\/sec/ {rps=int($2)}
    /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; p99=v}
    END {printf "%d %.2f %d\n", rps, p99, cpu}'
}

echo "| run | build | req/s | p99 ms | server CPU µs/request |"
echo "|---|---|---|---|---|"
for ((i = 1; i <= rounds; i++)); do
  for build in A B; do
    bin=$a; [ "$build" = B ] && bin=$b
    run "$bin" "$i$build" >"$dir/run" # not in a subshell: the trap must see $pid
    read -r rps p99 cpu <"$dir/run"
    echo "| $i | $build | $rps | $p99 | $cpu |" | tee -a "$dir/$build"
  done
done
median() { awk -F'|' '{print $'"$2"'}' "$dir/$1" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
echo
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
for build in A B; do
  echo "median $build: $(median $build 4) req/s, p99 $(median $build 5) ms, $(median $build 6) µs CPU/request"
done
