"""The DingTalk-style CRM API through the `dingtalk-sdk` package, pointed at the emulator.

A token, a customer created, read back and found in the list, and one error handled:
the emulator's clock is moved past the token's lifetime, the next call is answered
errcode 42001 (access_token超时), and the SDK fetches a new token and retries by itself.

    pip install dingtalk-sdk==1.3.8 cryptography requests
    CRM_EMULATOR_URL=http://127.0.0.1:8080 python3 dingtalk_crm.py

Over HTTPS (`--tls-bind`), trust the emulator's CA:
    REQUESTS_CA_BUNDLE=crm-emulator-tls/ca.pem CRM_EMULATOR_URL=https://localhost:8443 python3 dingtalk_crm.py
"""

import os

import requests
from dingtalk import SecretClient

BASE = os.environ.get("CRM_EMULATOR_URL", "http://127.0.0.1:8080").rstrip("/")
# The control plane needs the admin token when one is configured (else loopback only).
ADMIN = {"Authorization": "Bearer " + os.environ["CRM_EMULATOR_ADMIN_TOKEN"]} if os.environ.get("CRM_EMULATOR_ADMIN_TOKEN") else {}


def move_clock(body):
    """Moves the emulator's clock (POST /_emulator/clock)."""
    requests.post(BASE + "/_emulator/clock", json=body, headers=ADMIN, timeout=10).raise_for_status()


# The SDK's base URL is DingTalk's own host; the emulator serves the same paths.
client = SecretClient("dingemulator", "emulator-secret")
client.API_BASE_URL = BASE + "/"

# 1. The token: GET /gettoken, cached by the SDK and added to every call.
first_token = client.access_token
print("token", first_token)

# 2. Create a customer with a contact, followed by the caller (user_id) and lisi.
created = client.post(
    "/crm/customer/create",
    {
        "customer": {"name": "杭州某某科技", "address": "杭州市西湖区", "description": "重点客户", "telephone": "0571-88888888"},
        "contacts": [{"name": "王经理", "mobile": "13800000000", "attached": "采购"}],
        "userIds": ["lisi"],
        "create_by": "2024-05-01 10:00:00",
    },
    params={"user_id": "zhangsan"},
)
customer_id = created["customerid"]
print("created", customer_id)

# 3. Read it back.
got = client.get("/crm/customer/get", {"id": customer_id})
assert got["customer"]["name"] == "杭州某某科技", got
assert got["contactList"][0]["name"] == "王经理", got
print("read", got["customer"]["name"], "followed by", got["userIds"])

# 4. List: it is on the first page.
page = client.get("/crm/customer/list", {"offset": 0, "size": 100})
assert any(c["id"] == customer_id for c in page["customerlist"]), page
print("listed", len(page["customerlist"]), "customers")

# 5. The handled error: two hours and a second later the token has expired. The SDK
# sees errcode 42001, drops its cached token, fetches a new one and retries the call.
move_clock({"advanceSeconds": 7201})
try:
    again = client.get("/crm/customer/get", {"id": customer_id})
finally:
    move_clock({"reset": True})
assert again["customer"]["id"] == customer_id, again
assert client.access_token != first_token, "the SDK should have fetched a new token"
print("expired token renewed by the SDK; read again", again["customer"]["id"])
