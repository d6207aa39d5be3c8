#!/usr/bin/env bash
# Writes deploy/haproxy.cfg for replicas on loopback ports instead of Docker's names,
# with its error files beside it, for the scripts that run the shipped proxy on this
# machine (scripts/check-compose.sh, scripts/kill-replica.sh):
#
#   scripts/proxy-config.sh DIR PROXY_PORT PORT_1 PORT_2    (writes DIR/haproxy.cfg, DIR/errors/)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1 proxy_port=$2 port_1=$3 port_2=$4
mkdir -p "$dir/errors"
cp deploy/errors/*.http "$dir/errors/"
sed -e "s/^\(    server emulator-1\) emulator-1:8080/\1 127.0.0.1:$port_1/" \
    -e "s/^\(    server emulator-2\) emulator-2:8080/\1 127.0.0.1:$port_2/" \
    -e "s/^    bind :8080$/    bind 127.0.0.1:$proxy_port/" \
    -e '/^    default-server/s/ resolvers docker init-addr last,libc,none//' \
    -e '/^resolvers docker$/,/^$/d' \
    -e 's/^    log stdout format raw local0 info$/    log stderr format raw local0 warning/' \
    deploy/haproxy.cfg >"$dir/haproxy.cfg"
[ "$(grep -c "127.0.0.1:$port_1" "$dir/haproxy.cfg")" -ge 2 ] && grep -q "bind 127.0.0.1:$proxy_port" "$dir/haproxy.cfg" \
  || { echo "proxy-config: deploy/haproxy.cfg no longer has the lines this script rewrites" >&2; exit 1; }
! grep -q 'resolvers docker' "$dir/haproxy.cfg" \
  || { echo "proxy-config: a 'resolvers docker' was left in" >&2; exit 1; }
