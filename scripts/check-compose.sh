#!/usr/bin/env bash
# Checks docker-compose.yml and its proxy as far as a machine without a Docker engine
# allows:
#
#   1. the compose file parses and validates (`docker-compose config`, Debian's
#      docker-compose package);
#   2. the proxy configuration parses (`haproxy -c`, Debian's haproxy package);
#   3. the same proxy configuration, with the replicas' addresses swapped for loopback
#      ports, runs in front of two release emulators on one Postgres database: requests
#      through the one URL reach both replicas, and a rolling restart (one replica
#      stopped, started again, then the other) loses no request.
#
#   scripts/check-compose.sh      (needs docker-compose, haproxy, curl, psql, Postgres at
#                                  $CHECK_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
admin_url=${CHECK_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
log() { printf '== %s\n' "$*"; }
die() { printf 'check-compose: %s\n' "$*" >&2; exit 1; }

for tool in docker-compose haproxy curl psql; do
  command -v "$tool" >/dev/null || die "$tool is needed (apt-get install docker-compose haproxy curl postgresql-client)"
done

log "docker-compose config"
docker-compose -f docker-compose.yml config -q
services=$(docker-compose -f docker-compose.yml config --services | sort | tr '\n' ' ')
[ "$services" = "emulator-1 emulator-2 postgres proxy " ] || die "unexpected services: $services"

log "haproxy -c (replica names resolve only inside Docker: those warnings are expected)"
haproxy -c -q -f deploy/haproxy.cfg

cargo build --release --quiet --bin crm-emulator
bin=target/release/crm-emulator
dir=$(mktemp -d)
db=crm_compose_check_$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
psql -q "$admin_url" -c "CREATE DATABASE $db" >/dev/null
url="${admin_url%/*}/$db"

declare -A replica_pid
start_replica() {  # start_replica NAME PORT
  RUST_LOG=warn "$bin" --bind "127.0.0.1:$2" --database-url "$url" >"$dir/$1.log" 2>&1 &
  replica_pid[$1]=$!
  pids+=($!)
  until curl -fs "http://127.0.0.1:$2/_emulator/health" >/dev/null 2>&1; do sleep 0.05; done
}
start_replica emulator-1 18101
start_replica emulator-2 18102

log "haproxy with deploy/haproxy.cfg, replicas on loopback"
scripts/proxy-config.sh "$dir" 18100 18101 18102
haproxy -f "$dir/haproxy.cfg" -db >"$dir/haproxy.log" 2>&1 & pids+=($!)
proxy=http://127.0.0.1:18100
until curl -fs "$proxy/_emulator/health" >/dev/null 2>&1; do sleep 0.05; done

log "one URL, two replicas"
for _ in $(seq 20); do curl -fs "$proxy/crm/customer/list" >/dev/null; done
instances=$(curl -fs "$proxy/_emulator/instances" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$instances" = 2 ] || die "expected 2 live instances, got $instances"
served_by=$(curl -fs "$proxy/_emulator/requests?limit=20" \
  | python3 -c 'import json,sys; print(len({e["instance"] for e in json.load(sys.stdin)}))')
[ "$served_by" = 2 ] || die "the journal shows requests served by $served_by instance(s), expected 2"

log "rolling restart under load: no request may fail"
failures=$dir/failures
: >"$failures"
: >"$dir/served"
load() {
  local end=$((SECONDS + $1))
  while [ $SECONDS -lt $end ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$proxy/gettoken?corpid=dingemulator&corpsecret=emulator-secret")
    if [ "$code" = 200 ]; then echo >>"$dir/served"; else echo "$code" >>"$failures"; fi
  done
}
load 14 & loader=$!
for name in emulator-1 emulator-2; do
  sleep 2
  kill -TERM "${replica_pid[$name]}"
  wait "${replica_pid[$name]}" 2>/dev/null || true
  sleep 2
  start_replica "$name" "$([ $name = emulator-1 ] && echo 18101 || echo 18102)"
done
wait "$loader"
[ ! -s "$failures" ] || die "$(wc -l <"$failures") requests failed during the rolling restart: $(sort "$failures" | uniq -c | tr '\n' ' ')"
log "$(wc -l <"$dir/served") requests served through the proxy during the restart, none failed"
log "the compose file, its proxy and a rolling restart check out"
