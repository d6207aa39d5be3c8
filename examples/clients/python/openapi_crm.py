"""The OpenAPI-style CRM API with `requests` and an HMAC-SHA256 signature.

Every request carries four headers: appid, nonce, timestamp (seconds) and
signature = Base64(HMAC-SHA256(key = secret, message = appid + nonce + timestamp)).
A customer is added, read back, found in the list, deleted, and one error handled:
reading the deleted customer is answered 404, which the program expects.

    pip install requests
    CRM_EMULATOR_URL=http://127.0.0.1:8080 python3 openapi_crm.py
"""

import base64
import hashlib
import hmac
import os
import time
import uuid

import requests

BASE = os.environ.get("CRM_EMULATOR_URL", "http://127.0.0.1:8080").rstrip("/") + "/openapi/crm"
APPID, SECRET = "1090", "emulator-secret"


def signed_headers():
    """The four auth headers, with a fresh nonce: the emulator refuses a replay."""
    nonce, timestamp = uuid.uuid4().hex, str(int(time.time()))
    mac = hmac.new(SECRET.encode(), (APPID + nonce + timestamp).encode(), hashlib.sha256)
    return {"appid": APPID, "nonce": nonce, "timestamp": timestamp, "signature": base64.b64encode(mac.digest()).decode()}


def call(path, body=None):
    """POSTs `body` (or GETs without one) and returns the envelope, whatever its status."""
    if body is None:
        response = requests.get(BASE + path, headers=signed_headers(), timeout=10)
    else:
        response = requests.post(BASE + path, json=body, headers=signed_headers(), timeout=10)
    envelope = response.json()
    assert envelope["code"] == str(response.status_code), envelope
    return envelope


def data(envelope):
    if not envelope["success"]:
        raise RuntimeError(f"{envelope['code']}: {envelope['message']} (traceId {envelope['traceId']})")
    return envelope["data"]


# 1. Add a customer (customerName is the one required field).
record = data(call("/add", {"customerName": "杭州某某科技", "mobile": [{"value": "13800000000"}]}))
customer_id = record["_id"]
print("added", customer_id)

# 2. Read it back.
record = data(call(f"/{customer_id}"))
assert record["customerName"] == "杭州某某科技", record
print("read", record["customerName"])

# 3. List with a search: it is there.
page = data(call("/list", {"limit": 10, "search": [{"field": "customerName", "operator": "contains", "value": ["某某"]}]}))
assert any(r["_id"] == customer_id for r in page["list"]), page
print("listed", page["count"], "matching")

# 4. Delete it; reading it again is the handled error, 404 naming the id.
data(call("/delete", {"id": customer_id}))
gone = call(f"/{customer_id}")
assert not gone["success"] and gone["code"] == "404", gone
print("deleted; reading it again:", gone["code"], gone["message"])
