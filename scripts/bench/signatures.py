"""Signing headers for the load scripts' OpenAPI requests: one line "nonce timestamp
signature" per request, for the well-known account (appid 1090, secret emulator-secret),
each with its own nonce and all with the current time (docs/openapi.md#authentication).

    python3 scripts/bench/signatures.py COUNT NONCE_PREFIX > signed.txt
"""
import base64
import hashlib
import hmac
import sys
import time

count, prefix = int(sys.argv[1]), sys.argv[2]
ts = str(int(time.time()))
for i in range(count):
    nonce = f"{prefix}{i}"
    message = f"1090{nonce}{ts}".encode()
    sig = base64.b64encode(hmac.new(b"emulator-secret", message, hashlib.sha256).digest()).decode()
    print(nonce, ts, sig)
