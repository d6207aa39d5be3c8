#!/usr/bin/env bash
# Which of SQLite's tables and indexes each signed add writes to the WAL: the database
# pages a commit of added customers dirties, by table or index, per add. Every such page
# is written whole to the log at its commit and copied back to the database file by the
# next checkpoint, so this is what the signed add costs the disk, and what a change to
# the schema or its indexes changes (docs/performance.md#pages-per-add).
#
#   scripts/wal-pages.sh [BINARY] [-s SECONDS]     (default target/release/crm-emulator, 4 s)
#
# Starts BINARY on a fresh SQLite file, sends the benchmark's signed adds
# (scripts/bench/signed-add.lua, random nonces) from 32 connections, and once a second
# freezes the process (SIGSTOP) for a copy of the database and its log. In each copy it
# reads the log's frames that no checkpoint has copied yet: the customers they added
# (counted with and without the log) and the pages they hold, named through SQLite's
# dbstat table; the figures are the sums over the copies. Needs wrk and python3 (its sqlite3 module
# with dbstat, as Debian's is).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/crm-emulator secs=4
while [ $# -gt 0 ]; do
  case $1 in
    -s) secs=$2; shift 2 ;;
    *) bin=$1; shift ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
if [ "$bin" = target/release/crm-emulator ]; then
  cargo build --release --quiet --bin crm-emulator
fi
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && { kill -CONT "$pid"; kill "$pid"; } 2>/dev/null; rm -rf "$dir"' EXIT
RUST_LOG=warn "$bin" --bind 127.0.0.1:18194 --database-url "sqlite://$dir/wal.db" >/dev/null & pid=$!
until curl -fs http://127.0.0.1:18194/_emulator/health >/dev/null 2>&1; do sleep 0.05; done
python3 scripts/bench/signatures.py $(( (secs + 2) * 30000 )) > "$dir/signed.txt"
SIGNED_HEADERS=$dir/signed.txt WRK_THREADS=1 wrk -t1 -c32 -d$((secs + 2))s \
  -s scripts/bench/signed-add.lua http://127.0.0.1:18194 >/dev/null & load=$!
# A few snapshots spread over the run: a commit's pages depend on where in one second's
# replay records it falls (early in a second they share fewer pages), and one snapshot
# holds only the ~100 ms since the last checkpoint.
sleep 1
for n in $(seq 1 "$secs"); do
  sleep 0.9
  kill -STOP "$pid"
  mkdir "$dir/copy$n"
  cp "$dir/wal.db" "$dir/wal.db-wal" "$dir/wal.db-shm" "$dir/copy$n/"
  kill -CONT "$pid"
done
wait "$load" || true
python3 - "$dir"/copy*/wal.db <<'PY'
import collections, shutil, sqlite3, struct, sys
totals = {"commits": 0, "adds": 0, "pages": 0}
per = collections.Counter()
for db in sys.argv[1:]:
    wal = open(db + "-wal", "rb").read()
    page = struct.unpack(">I", wal[8:12])[0]
    salt = wal[16:24]
    # The wal-index's checkpoint record (native byte order): frames already copied back.
    backfilled = struct.unpack("=I", open(db + "-shm", "rb").read()[96:100])[0]
    frames, offset = [], 32
    while offset + 24 + page <= len(wal) and wal[offset + 8:offset + 16] == salt:
        number, commit = struct.unpack(">II", wal[offset:offset + 8])
        frames.append((number, commit))
        offset += 24 + page
    last_commit = max((i for i, (_, c) in enumerate(frames) if c), default=-1)
    pending = frames[backfilled:last_commit + 1]
    commits = sum(1 for _, c in pending if c)
    shutil.copy(db, db + ".alone")
    alone = sqlite3.connect(db + ".alone").execute("SELECT COUNT(*) FROM oa_customers").fetchone()[0]
    conn = sqlite3.connect(db)
    total = conn.execute("SELECT COUNT(*) FROM oa_customers").fetchone()[0]
    adds = total - alone
    names = {n: name for name, n in conn.execute("SELECT name, pageno FROM dbstat")}
    per.update(names.get(n, "(free or new)") for n, _ in pending)
    totals["commits"] += commits
    totals["adds"] += adds
    totals["pages"] += len(pending)
commits, adds, pages = totals["commits"], totals["adds"], totals["pages"]
if adds == 0:
    sys.exit("no add committed after a checkpoint in any snapshot: run longer (-s)")
print(f"{commits} commits, {adds} adds ({adds / commits:.1f} per commit), "
      f"{pages} pages: {pages / adds:.2f} pages per add, "
      f"{pages * (page + 24) / adds / 1024:.1f} KiB of log per add")
for name, n in per.most_common():
    print(f"{n / adds:6.2f}  {name}")
PY
