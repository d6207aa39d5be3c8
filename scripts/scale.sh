#!/usr/bin/env bash
# Query latency at 10k and at 1M rows, on SQLite and on Postgres (issue 14, "Scale";
# docs/performance.md records the figures).
#
#   scripts/scale.sh [large] [small] [repeats]   (default 1000000, 10000 and 300)
#
# The queries: OpenAPI (findById, an eq search, a contains search, a page with its
# count), DingTalk (get, a list page) and DingTalk v1.0 (a first page with its
# totalCount, a page after a cursor, a customer_name EQ queryDsl, a batchQuery).
#
# For each backend and each size: a seed of that many OpenAPI customers (account
# `scale`) and as many DingTalk customers (corp `dingscale`) is loaded by `--seed` into
# a fresh database (SQLite: a file; Postgres: a scratch database at $SCALE_POSTGRES_URL,
# default postgres://postgres@127.0.0.1:5432/postgres, created and dropped). With both
# sizes' servers up, each query is sent `repeats` times to each, one request at a time,
# alternating between the sizes, each for a random customer, and the medians are kept
# (the machine's other load then weighs on both sizes alike). "load" is the wall time
# from start to the first healthy answer (parsing and checking the seed, writing it,
# building the indexes, ANALYZE). The servers run with `--signature-mode off` so that
# reads record no nonces. Release build, `nice -n 10`.
#
# The gate: each query's median at the large size within 2× of the small size's.
set -euo pipefail
cd "$(dirname "$0")/.."
large=${1:-1000000}
small=${2:-10000}
repeats=${3:-300}
admin_url=${SCALE_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}

cargo build --release --quiet --bin crm-emulator
bin=target/release/crm-emulator
dir=$(mktemp -d)
pids=()
pgdb=crm_scale_$$
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for n in "$small" "$large"; do
    psql -q "$admin_url" -c "DROP DATABASE IF EXISTS ${pgdb}_$n WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT

for n in "$small" "$large"; do
  python3 scripts/scale/seed.py "$n" "$dir/seed-$n.json"
done

# start LABEL N PORT DATABASE_URL SIZE_COMMAND...: loads the seed of N customers into a
# fresh database and leaves the server running; writes "load" and "size" lines to
# "$dir/LABEL-N.txt".
start() {
  local label=$1 n=$2 port=$3 url=$4; shift 4
  local t0 t1 p
  t0=$(date +%s.%N)
  RUST_LOG=warn nice -n 10 "$bin" --bind "127.0.0.1:$port" --database-url "$url" \
    --seed "$dir/seed-$n.json" --signature-mode off >"$dir/server-$port.log" 2>&1 &
  p=$!
  pids+=("$p")
  until curl -fs "http://127.0.0.1:$port/_emulator/health" >/dev/null 2>&1; do
    kill -0 "$p" 2>/dev/null || { cat "$dir/server-$port.log"; echo "$label: the server stopped" >&2; exit 1; }
    sleep 0.1
  done
  t1=$(date +%s.%N)
  printf 'load\t%s s\nsize\t%s\n' "$(python3 -c "print(f'{$t1 - $t0:.1f}')")" "$("$@")" \
    | tee "$dir/$label-$n.txt"
}

stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
}

sqlite_size() { du -cm "$dir/$1".db* | tail -1 | awk '{print $1 " MB"}'; }
pg_size() { psql -At "$admin_url" -c "SELECT pg_database_size('$1') / 1048576 || ' MB'"; }

measure() {  # measure LABEL PORT_SMALL PORT_LARGE
  echo "== $1: medians of $repeats requests, alternating between the two sizes"
  python3 scripts/scale/measure.py "http://127.0.0.1:$2" "$small" "http://127.0.0.1:$3" "$large" "$repeats" \
    | tee "$dir/$1-latency.txt"
}

report() {  # report LABEL
  local label=$1
  echo
  echo "### $label ($(date -u +%F), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  python3 - "$dir/$label-$small.txt" "$dir/$label-$large.txt" "$dir/$label-latency.txt" "$small" "$large" <<'PY'
import sys
def read(path):
    return dict(line.rstrip("\n").split("\t", 1) for line in open(path, encoding="utf-8"))
a, b = read(sys.argv[1]), read(sys.argv[2])
small, large = int(sys.argv[4]), int(sys.argv[5])
print(f"| | {small:,} rows | {large:,} rows | ratio |")
print("|---|---|---|---|")
print(f"| load (seed → healthy) | {a['load']} | {b['load']} | |")
print(f"| database size | {a['size']} | {b['size']} | |")
worst = 0.0
for line in open(sys.argv[3], encoding="utf-8"):
    name, x, y = line.rstrip("\n").split("\t")
    x, y = float(x), float(y)
    worst = max(worst, y / x)
    print(f"| {name} (median ms) | {x:.2f} | {y:.2f} | {y / x:.2f}× |")
print()
print(f"worst ratio {worst:.2f}× ({'within' if worst <= 2 else 'OVER'} 2×)")
PY
}

echo "== SQLite: loading $small, then $large customers per API"
start sqlite "$small" 18190 "sqlite://$dir/sqlite-$small.db" sqlite_size "sqlite-$small"
start sqlite "$large" 18191 "sqlite://$dir/sqlite-$large.db" sqlite_size "sqlite-$large"
measure sqlite 18190 18191
stop_all
rm -f "$dir"/sqlite-*.db*

pg=
if psql -q "$admin_url" -c "SELECT 1" >/dev/null 2>&1; then
  pg=1
  echo "== Postgres: loading $small, then $large customers per API"
  for n in "$small" "$large"; do
    psql -q "$admin_url" -c "DROP DATABASE IF EXISTS ${pgdb}_$n WITH (FORCE)" -c "CREATE DATABASE ${pgdb}_$n" >/dev/null 2>&1
  done
  start postgres "$small" 18192 "${admin_url%/*}/${pgdb}_$small" pg_size "${pgdb}_$small"
  start postgres "$large" 18193 "${admin_url%/*}/${pgdb}_$large" pg_size "${pgdb}_$large"
  measure postgres 18192 18193
  stop_all
else
  echo "Postgres at $admin_url is unreachable: its leg is skipped" >&2
fi

report sqlite
if [ -n "$pg" ]; then report postgres; fi
