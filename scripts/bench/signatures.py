"""Signing headers for the load scripts' OpenAPI requests: one line "nonce timestamp
signature" per request, for the well-known account (appid 1090, secret emulator-secret),
all with the current time (docs/openapi.md#authentication). Each nonce is a random UUID
v4, as real clients send: replay records are then inserted at random places in their
index, not appended in order as sequential nonces would be.

    python3 scripts/bench/signatures.py COUNT > signed.txt
    python3 scripts/bench/signatures.py COUNT --sequential PREFIX > signed.txt
                                  (PREFIX0, PREFIX1, …: the old benchmark's nonces, for an A/B)
"""
import base64
import hashlib
import hmac
import sys
import time
import uuid

count = int(sys.argv[1])
sequential = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--sequential" else None
ts = str(int(time.time()))
key = b"emulator-secret"
lines = []
for i in range(count):
    nonce = f"{sequential}{i}" if sequential is not None else str(uuid.uuid4())
    message = f"1090{nonce}{ts}".encode()
    sig = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    lines.append(f"{nonce} {ts} {sig}")
sys.stdout.write("\n".join(lines) + "\n")
