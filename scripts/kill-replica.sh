#!/usr/bin/env bash
# kill -9 one of two replicas behind the shipped proxy (deploy/haproxy.cfg) while
# clients write through it, then start it again (docs/instances.md#when-the-database-fails):
#
#   - OpenAPI signed adds and DingTalk creates, each with a unique marker as the
#     customer's name, from 8 client threads for 24 s; replica 1 is killed at 6 s and
#     started again at 12 s;
#   - every answer is JSON in its API's envelope (never the proxy's HTML), a success or
#     the service failing (DingTalk errcode -1, OpenAPI 503);
#   - afterwards no marker is stored twice and every acknowledged one is stored once;
#   - the restarted replica rejoins: /_emulator/instances lists it beside the other
#     (and, once the killed one's lease has run out, only those two);
#   - with both replicas killed, the proxy itself answers each API's paths in that
#     API's JSON envelope (deploy/errors/), never an HTML page.
#
#   scripts/kill-replica.sh [BIN]   (default target/debug/crm-emulator, as .ci/run builds it;
#                                    needs haproxy, psql, python3 and Postgres at
#                                    $KILL_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/crm-emulator}
admin_url=${KILL_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
log() { printf '== %s\n' "$*"; }
die() { printf 'kill-replica: %s\n' "$*" >&2; exit 1; }
for tool in haproxy psql python3 curl; do
  command -v "$tool" >/dev/null || die "$tool is needed (apt-get install haproxy postgresql-client curl)"
done
[ -x "$bin" ] || die "no binary at $bin (cargo build first)"

dir=$(mktemp -d)
db=crm_kill_check_$$
declare -A replica_pid
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

start_replica() {  # start_replica NAME PORT
  RUST_LOG=warn "$bin" --bind "127.0.0.1:$2" --database-url "$url" --request-timeout 5 \
    >>"$dir/$1.log" 2>&1 &
  replica_pid[$1]=$!
  pids+=($!)
  for _ in $(seq 300); do
    curl -fs "http://127.0.0.1:$2/_emulator/health" >/dev/null 2>&1 && return
    sleep 0.05
  done
  die "$1 did not start: $(tail -5 "$dir/$1.log")"
}
start_replica emulator-1 18111
start_replica emulator-2 18112
scripts/proxy-config.sh "$dir" 18110 18111 18112
haproxy -f "$dir/haproxy.cfg" -db >"$dir/haproxy.log" 2>&1 & pids+=($!)
proxy=http://127.0.0.1:18110
until curl -fs "$proxy/_emulator/live" >/dev/null 2>&1; do sleep 0.05; done
before=$(curl -fs "$proxy/_emulator/instances" | python3 -c 'import json,sys; print(" ".join(sorted(str(i["id"]) for i in json.load(sys.stdin))))')
[ "$(wc -w <<<"$before")" = 2 ] || die "expected 2 live instances at the start, got: $before"

log "writes through the proxy; replica 1 killed with SIGKILL at 6 s, started again at 12 s"
python3 - "$proxy" "$dir" 24 <<'PY' &
import base64, hashlib, hmac, json, sys, threading, time, urllib.error, urllib.request, uuid
proxy, out, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
token = json.load(urllib.request.urlopen(f"{proxy}/gettoken?corpid=dingemulator&corpsecret=emulator-secret"))["access_token"]
acked, failed, bad = [], [], []
lock = threading.Lock()

def send(req):
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception as e:  # the connection itself failed: the client saw a failure
        return None, repr(e).encode()

def dingtalk(marker):
    body = {"customer": {"name": marker, "address": "a", "description": "d", "telephone": "t"},
            "contacts": [{"name": "c", "mobile": "1"}], "create_by": "kill"}
    req = urllib.request.Request(f"{proxy}/crm/customer/create?access_token={token}&user_id=kill",
        data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
    status, raw = send(req)
    if status is None:
        return "failed", raw
    try:
        answer = json.loads(raw)
    except ValueError:
        return "bad", raw[:200]
    if status == 200 and answer.get("errcode") == 0:
        return "acked", None
    if status == 200 and answer.get("errcode") == -1:
        return "failed", None
    return "bad", raw[:200]

def openapi(marker):
    ts, nonce = str(int(time.time())), uuid.uuid4().hex
    sig = base64.b64encode(hmac.new(b"emulator-secret", f"1090{nonce}{ts}".encode(), hashlib.sha256).digest()).decode()
    req = urllib.request.Request(f"{proxy}/openapi/crm/add", data=json.dumps({"customerName": marker}).encode(),
        headers={"appid": "1090", "nonce": nonce, "timestamp": ts, "signature": sig,
                 "Content-Type": "application/json"}, method="POST")
    status, raw = send(req)
    if status is None:
        return "failed", raw
    try:
        answer = json.loads(raw)
    except ValueError:
        return "bad", raw[:200]
    if status == 200 and answer.get("success") is True:
        return "acked", None
    if status == 503 and answer.get("code") == "503" and answer.get("success") is False:
        return "failed", None
    return "bad", raw[:200]

def client(n):
    end, i = time.time() + secs, 0
    while time.time() < end:
        i += 1
        marker = f"kill-{n}-{i}"
        outcome, detail = (dingtalk if i % 2 else openapi)(marker)
        with lock:
            {"acked": acked, "failed": failed, "bad": bad}[outcome].append((marker, detail))

threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
json.dump({"acked": [m for m, _ in acked], "failed": [m for m, _ in failed],
           "bad": [[m, d.decode(errors="replace") if d else ""] for m, d in bad]}, open(f"{out}/answers.json", "w"))
print(f"answers: {len(acked)} acknowledged, {len(failed)} failed, {len(bad)} not in an envelope")
PY
loader=$!
sleep 6
kill -KILL "${replica_pid[emulator-1]}"
sleep 6
start_replica emulator-1 18111
wait "$loader"

log "every acknowledged write stored once, none twice"
psql -qAt -F ' ' "$url" -c "SELECT name, COUNT(*) FROM dt_customers WHERE name LIKE 'kill-%' GROUP BY name
                             UNION ALL SELECT customer_name, COUNT(*) FROM oa_customers WHERE customer_name LIKE 'kill-%' GROUP BY customer_name" \
  >"$dir/stored.txt"
python3 - "$dir" <<'PY'
import json, sys
out = sys.argv[1]
answers = json.load(open(f"{out}/answers.json"))
stored = {}
for line in open(f"{out}/stored.txt"):
    name, count = line.rsplit(" ", 1)
    stored[name] = stored.get(name, 0) + int(count)
twice = sorted(m for m, c in stored.items() if c > 1)
lost = sorted(m for m in answers["acked"] if stored.get(m, 0) != 1)
failed_but_stored = sum(1 for m in answers["failed"] if stored.get(m, 0) == 1)
print(f"stored twice: {len(twice)}; acknowledged but lost: {len(lost)}; "
      f"answered as failures yet stored (outcome unknown): {failed_but_stored} of {len(answers['failed'])}")
problems = []
if twice: problems.append(f"stored twice: {twice[:10]}")
if lost: problems.append(f"acknowledged but not stored once: {lost[:10]}")
if answers["bad"]: problems.append(f"answers outside the envelopes: {answers['bad'][:5]}")
if len(answers["acked"]) < 100: problems.append(f"only {len(answers['acked'])} writes acknowledged")
if problems:
    sys.exit("kill-replica: " + "; ".join(problems))
PY

log "the restarted replica rejoins"
for _ in $(seq 60); do
  now=$(curl -fs "$proxy/_emulator/instances" | python3 -c 'import json,sys; print(" ".join(sorted(str(i["id"]) for i in json.load(sys.stdin))))')
  new=$(comm -13 <(tr ' ' '\n' <<<"$before" | sort) <(tr ' ' '\n' <<<"$now" | sort) | wc -l)
  [ "$(wc -w <<<"$now")" = 2 ] && [ "$new" = 1 ] && break
  sleep 0.5
done
[ "$(wc -w <<<"$now")" = 2 ] && [ "$new" = 1 ] \
  || die "expected the survivor and the restarted replica in /_emulator/instances, got: $now (before: $before)"
log "instances $before before, $now after: the killed replica's lease ran out, the restarted one rejoined"

log "no replica left: the proxy answers in each API's envelope, never HTML"
for name in emulator-1 emulator-2; do kill -KILL "${replica_pid[$name]}" 2>/dev/null || true; done
wait "${replica_pid[emulator-1]}" "${replica_pid[emulator-2]}" 2>/dev/null || true
for _ in $(seq 100); do  # until both checks have failed (2 × 2 s)
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$proxy/_emulator/live")" = 503 ] && break
  sleep 0.1
done
python3 - "$proxy" <<'PY'
import json, sys, urllib.error, urllib.request
proxy = sys.argv[1]
def ask(method, path):
    req = urllib.request.Request(proxy + path, method=method, data=b"{}" if method == "POST" else None,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), json.loads(e.read())
expected = [
    ("GET", "/gettoken?corpid=dingemulator&corpsecret=emulator-secret", 200, lambda b: b["errcode"] == -1),
    ("POST", "/crm/customer/create?access_token=t", 200, lambda b: b["errcode"] == -1),
    ("POST", "/openapi/crm/add", 503, lambda b: b["code"] == "503" and b["success"] is False and b["data"] is None),
    ("POST", "/v1.0/crm/personalCustomers", 503, lambda b: b["code"] == "system.error" and "requestid" in b),
    ("GET", "/_emulator/instances", 503, lambda b: b["error"]["status"] == 503),
]
for method, path, status, fits in expected:
    got, content_type, body = ask(method, path)
    if got != status or not content_type.startswith("application/json") or not fits(body):
        sys.exit(f"kill-replica: {method} {path} with no replica answered {got} {content_type} {body}")
print("every API's envelope, from the proxy itself")
PY
log "kill -9 behind the proxy: nothing lost, nothing twice, the replica rejoined"
