# Sourced by the benchmark scripts (bench.sh, ab.sh, instructions.sh): the customer
# whose token-authenticated get they measure.
#
#   read -r token customer < <(bench_customer http://127.0.0.1:PORT)
#
# Prints a token of the well-known corp and the id of a new customer with two contacts
# and two followers (besides its creator).
bench_customer() {
  local base=$1 token
  token=$(curl -s "$base/gettoken?corpid=dingemulator&corpsecret=emulator-secret" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -s -X POST "$base/crm/customer/create?access_token=$token&user_id=bench" \
    -H 'Content-Type: application/json' \
    -d '{"customer":{"name":"Bench Ltd","address":"1 Road","description":"bench","telephone":"010-1"},"contacts":[{"name":"A","mobile":"1","attached":"x"},{"name":"B","mobile":"2","attached":"y"}],"userIds":["u1","u2"],"create_by":"bench"}' |
    python3 -c 'import json,sys; print(sys.argv[1], json.load(sys.stdin)["customerid"])' "$token"
}
