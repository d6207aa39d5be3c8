#!/usr/bin/env bash
# Client tests: the official DingTalk SDK (`alibabacloud-dingtalk`, Python, pinned in
# tests/clients/requirements.txt, in a venv under target/) drives the v1.0 API of the
# real binary, unchanged, with the old `dingtalk-sdk` for the interop with /crm/*; and,
# when `@alicloud/dingtalk` installs from the npm registry, the Node example
# examples/clients/node-sdk/dingtalk-v1.mjs runs against the same server.
#
#   tests/clients/sdk.sh [BINARY]
#
# BINARY defaults to target/debug/crm-emulator (build it first). Each client gets a
# fresh server on a throw-away in-memory SQLite database.
set -euo pipefail
cd "$(dirname "$0")/../.."

binary="${1:-target/debug/crm-emulator}"
[ -x "$binary" ] || { echo "FATAL: no binary at $binary (run cargo build)" >&2; exit 1; }

venv=target/clients-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r tests/clients/requirements.txt

server_pid=""
stop() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop EXIT

# serve: a fresh server; sets $base.
serve() {
  local port
  port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  base="http://127.0.0.1:$port"
  mkdir -p target/clients
  "$binary" --bind "127.0.0.1:$port" --database-url "sqlite::memory:" >target/clients/server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "$base/_emulator/health" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "FATAL: the emulator did not start" >&2
  tail -n 30 target/clients/server.log >&2
  exit 1
}

echo "-- the official Python SDK (alibabacloud-dingtalk) and dingtalk-sdk"
serve
"$venv/bin/python" tests/clients/dingtalk_v1_sdk.py "$base"
stop

# The Node example, with the SDK versions its header names, installed beside a copy of
# it under target/ (ES modules resolve packages next to the file that imports them).
node_packages=(@alicloud/dingtalk@2.2.27 @alicloud/openapi-client@0.4.15 @alicloud/tea-util@1.4.11)
if command -v npm >/dev/null 2>&1; then
  echo "-- the Node example (@alicloud/dingtalk)"
  node_dir=target/clients-node
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --silent "${node_packages[@]}" || {
    echo "FATAL: npm could not install ${node_packages[*]}" >&2
    exit 1
  }
  cp examples/clients/node-sdk/dingtalk-v1.mjs "$node_dir/"
  serve
  node "$node_dir/dingtalk-v1.mjs" "$base"
  stop
else
  echo "-- no npm: the Node example is skipped"
fi
