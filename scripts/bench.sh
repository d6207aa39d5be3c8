#!/usr/bin/env bash
# Throughput and latency of the emulator on SQLite and on Postgres, beside a bare axum
# hello-world, in one run (docs/performance.md records the figures).
#
#   scripts/bench.sh [seconds] [connections]     (default 10 s per load run, 32 connections)
#
# Needs wrk, python3, and for the Postgres leg psql and a server at $BENCH_POSTGRES_URL
# (default postgres://postgres@127.0.0.1:5432/postgres; a fresh database is created and
# dropped). Everything runs on this machine: the load generator (wrk, one thread, so the
# server keeps most of the other core) shares the cores with the server. Release builds.
#
# For each path: requests per second, its ratio to hello-world, wrk's p99 latency, and
# the CPU time the server spent per request (the emulator's, and on Postgres its
# backends'): unlike throughput, CPU per request barely moves when something else
# competes for the cores, so it is the figure to compare across sittings.
#
# The signed adds are sent as a client sends them: a random UUID v4 nonce each, signed
# with the second it would be sent in (scripts/bench/signatures.py), and the vendor
# document's own add body (scripts/bench/add-body.json, sent by scripts/bench/signed-add.lua).
#
# BENCH_BIN names an emulator binary already built (e.g. an older commit's, for a
# before/after in one sitting); BENCH_SKIP_POSTGRES=1 skips the Postgres leg;
# BENCH_SEQUENTIAL_NONCES=1 signs with the old sequential nonces (bench0, bench1, …).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench/customer.sh
secs=${1:-10}
conns=${2:-32}
threads=1
admin_url=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

if [ -z "${BENCH_BIN:-}" ] || [ ! -x target/release/examples/hello ]; then
  cargo build --release --quiet --bin crm-emulator --example hello
fi
bin=${BENCH_BIN:-target/release/crm-emulator}
dir=$(mktemp -d)
pids=()
pgdb=crm_bench_$$
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

wait_for() { until curl -fs "$1" >/dev/null 2>&1; do sleep 0.05; done; }
# wrk's summary: "<req/s> <p99 in ms>"
figures() {
  awk '/Requests\/sec/ {rps=int($2)}
       /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; p99=v}
       END {printf "%d %.2f\n", rps, p99}'
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_of() {  # cpu_of PID [DATABASE]: CPU ticks of the process and the database's backends
  local t; t=$(ticks "$1")
  if [ -n "${2:-}" ]; then
    for p in $(psql -At "$admin_url" -c "SELECT pid FROM pg_stat_activity WHERE datname = '$2'"); do
      t=$((t + $(ticks "$p")))
    done
  fi
  echo "$t"
}
hz=$(getconf CLK_TCK)
load() {  # load NAME URL PID DATABASE [wrk args...]: "<req/s> <p99 ms> <server CPU µs per request>"
  local name=$1 url=$2 pid=$3 db=$4; shift 4
  local out before after requests
  before=$(cpu_of "$pid" "$db")
  out=$(wrk --latency -t$threads -c"$conns" -d"${secs}s" "$@" "$url")
  after=$(cpu_of "$pid" "$db")
  if echo "$out" | grep -q "Non-2xx"; then echo "$out"; echo "$name: non-2xx answers" >&2; exit 1; fi
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$(echo "$out" | figures) $(( (after - before) * 1000000 / hz / requests ))"
}

python3 scripts/bench/signatures.py "$(( secs * 30000 ))" ${BENCH_SEQUENTIAL_NONCES:+--sequential bench} > "$dir/signed.txt"

echo "== baseline: bare axum hello-world"
target/release/examples/hello 127.0.0.1:18090 & pids+=($!)
wait_for http://127.0.0.1:18090/
read -r hello hello_p99 hello_cpu < <(load hello http://127.0.0.1:18090/ "${pids[-1]}" "")
kill "${pids[-1]}"

rows=()
# bench_backend LABEL DATABASE_URL PORT [POSTGRES_DATABASE]
bench_backend() {
  local label=$1 url=$2 port=$3 base=http://127.0.0.1:$3 db=${4:-}
  echo "== emulator on $label"
  RUST_LOG=warn "$bin" --bind "127.0.0.1:$port" --database-url "$url" >/dev/null & pids+=($!)
  local pid=${pids[-1]}
  wait_for "$base/_emulator/health"
  sleep 1
  local rss_kb token customer
  rss_kb=$(ps -o rss= -p "$pid" | tr -d ' ')
  read -r token customer < <(bench_customer "$base")
  local get="$base/crm/customer/get?access_token=$token&id=$customer"
  curl -s "$get" | grep -q '"errcode":0' || { echo "$label: the read failed" >&2; exit 1; }
  local get_rps get_p99 get_cpu add_rps add_p99 add_cpu
  read -r get_rps get_p99 get_cpu < <(load "$label get" "$get" "$pid" "$db")
  read -r add_rps add_p99 add_cpu < <(SIGNED_HEADERS="$dir/signed.txt" WRK_THREADS=$threads \
    load "$label signed add" "$base" "$pid" "$db" -s scripts/bench/signed-add.lua)
  rows+=("| $label | token-authenticated get (GET /crm/customer/get) | $get_rps | $(ratio "$get_rps") | $get_p99 | $get_cpu |")
  rows+=("| $label | signed add (POST /openapi/crm/add) | $add_rps | $(ratio "$add_rps") | $add_p99 | $add_cpu |")
  rows+=("| $label | idle RSS after start-up | $(( rss_kb / 1024 )) MiB | | | |")
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
ratio() { python3 -c "print(f'{$1 / $hello:.3f}')"; }

bench_backend SQLite "sqlite://$dir/bench.db" 18091
if [ -n "${BENCH_SKIP_POSTGRES:-}" ]; then
  echo "BENCH_SKIP_POSTGRES is set: the Postgres leg is skipped" >&2
elif psql -q "$admin_url" -c "CREATE DATABASE $pgdb" >/dev/null 2>&1; then
  bench_backend Postgres "${admin_url%/*}/$pgdb" 18092 "$pgdb"
else
  echo "Postgres at $admin_url is unreachable: its leg is skipped" >&2
fi

echo
echo "wrk -t$threads -c$conns -d${secs}s, one run each; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| backend | path | req/s | × hello-world | p99 ms | server CPU µs/request |"
echo "|---|---|---|---|---|---|"
echo "| — | bare axum hello-world | $hello | 1 | $hello_p99 | $hello_cpu |"
printf '%s\n' "${rows[@]}"
