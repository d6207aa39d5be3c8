#!/usr/bin/env bash
# Measures start-up to ready: from exec until /_emulator/health answers 200, on an
# existing SQLite file (the first run creates it and is not counted).
# Usage: scripts/startup-time.sh [runs]   (needs a release build: cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/crm-emulator
runs=${1:-10}
port=18181
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
url="sqlite://$dir/startup.db"

start_once() {
  local t0 t1
  t0=$(date +%s%N)
  "$bin" --bind "127.0.0.1:$port" --database-url "$url" >/dev/null 2>&1 &
  local pid=$!
  until curl -fs "http://127.0.0.1:$port/_emulator/health" >/dev/null 2>&1; do sleep 0.002; done
  t1=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" || true
  echo $(( (t1 - t0) / 1000000 ))
}

start_once >/dev/null # creates and migrates the database
total=0; worst=0
for _ in $(seq 1 "$runs"); do
  ms=$(start_once)
  total=$((total + ms)); [ "$ms" -gt "$worst" ] && worst=$ms
done
echo "start-up to ready on an existing SQLite file: mean $((total / runs)) ms, worst $worst ms over $runs runs"
