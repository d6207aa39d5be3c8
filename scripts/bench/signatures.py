"""Signing headers for the load scripts' OpenAPI requests: one line "nonce timestamp
signature" per request, for the well-known account (appid 1090, secret emulator-secret),
signed as clients sign (docs/openapi.md#authentication): each nonce is a random UUID v4,
and each timestamp is the second the request would be sent in. The lines start at the
current second and move on by one second every PER_SECOND lines (default 10,000, about
the rate the signed add is served at), so a run's timestamps follow the clock as a
client's do, and never leave the emulator's ±300 s window.

    python3 scripts/bench/signatures.py COUNT [--per-second N] > signed.txt
    python3 scripts/bench/signatures.py COUNT --sequential PREFIX > signed.txt
          (PREFIX0, PREFIX1, …, all in the current second: the old benchmark's nonces)
"""
import argparse
import base64
import hashlib
import hmac
import sys
import time
import uuid

parser = argparse.ArgumentParser()
parser.add_argument("count", type=int)
parser.add_argument("--per-second", type=int, default=10_000)
parser.add_argument("--sequential", metavar="PREFIX")
args = parser.parse_args()

start = int(time.time())
key = b"emulator-secret"
lines = []
for i in range(args.count):
    if args.sequential is not None:
        nonce, ts = f"{args.sequential}{i}", str(start)
    else:
        nonce, ts = str(uuid.uuid4()), str(start + i // args.per_second)
    message = f"1090{nonce}{ts}".encode()
    sig = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    lines.append(f"{nonce} {ts} {sig}")
sys.stdout.write("\n".join(lines) + "\n")
