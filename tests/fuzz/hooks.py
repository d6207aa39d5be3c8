"""Schemathesis hooks for fuzzing crm-emulator (issue 11): loaded by `tests/fuzz/run.sh`
through `SCHEMATHESIS_HOOKS`.

What they do, and why:

* **Authentication at send time.** Generated cases carry the security parameters the
  document declares (the DingTalk `access_token` query parameter; the OpenAPI `appid`,
  `nonce`, `timestamp` and `signature` headers) with random values. `before_call`
  replaces them with valid ones just before each request is sent, so that most cases
  get past auth and reach the handlers. Signing at send time (rather than in an auth
  provider, once per case) gives every send, including Hypothesis's re-runs while it
  shrinks a failure, a fresh nonce, so none is refused as a replay. A case from which
  Schemathesis removed a security parameter on purpose (a negative case) is sent as
  generated, so the refusals are exercised too.
* **Repairs after state-wrecking calls.** Some control-plane calls change what every
  later case sees: a clock offset makes every signature stale and every token expire,
  an injected fault answers 5xx on purpose, an import or a full reset replaces the
  tenants and drops tokens, and a patch or delete of a well-known tenant changes its
  credentials. These operations are still fuzzed, but `after_call` undoes their effect
  before the next case (the run uses one worker, so no case runs in between).
* **Tallies.** Every response is counted per surface, with how many were auth
  refusals, and written to `$CRM_FUZZ_TALLY` as JSON when the run ends, so the driver
  can check the share of cases that reached the handlers.
"""

import atexit
import base64
import hashlib
import hmac
import json
import os
import secrets
import time

import requests
import schemathesis

BASE_URL = os.environ.get("CRM_FUZZ_BASE_URL", "http://127.0.0.1:8080")
TALLY_PATH = os.environ.get("CRM_FUZZ_TALLY")

# The well-known tenants every fresh database has (README "Well-known credentials").
CORPID = "dingemulator"
APPKEY = "dingemulatorkey"
APPID = "1090"
SECRET = "emulator-secret"
SIGNATURE_HEADERS = ("appid", "nonce", "timestamp", "signature")

# DingTalk errcodes of an unusable token: unknown, missing, expired.
TOKEN_REFUSALS = {40014, 41001, 42001}

_token = None
_tally = {}


def _surface(path):
    if path.startswith("/openapi/"):
        return "openapi"
    if path.startswith("/_emulator"):
        return "control"
    return "dingtalk"


def _access_token():
    """The well-known corp's token, fetched once and again after anything drops it."""
    global _token
    if _token is None:
        answer = requests.get(
            f"{BASE_URL}/gettoken",
            params={"corpid": CORPID, "corpsecret": SECRET},
            timeout=10,
        ).json()
        if answer.get("errcode") != 0:
            raise RuntimeError(f"/gettoken refused the well-known corp: {answer}")
        _token = answer["access_token"]
    return _token


def sign(appid, secret, nonce, timestamp):
    """SPEC §2.1: Base64(HMAC-SHA256(secret, appid + nonce + timestamp))."""
    mac = hmac.new(secret.encode(), (appid + nonce + timestamp).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def _sign_headers(headers):
    present = {name.lower(): name for name in headers}
    if not all(name in present for name in SIGNATURE_HEADERS):
        return False
    for name in SIGNATURE_HEADERS:
        del headers[present[name]]
    nonce = secrets.token_hex(8)
    timestamp = str(int(time.time()))
    headers.update(
        appid=APPID,
        nonce=nonce,
        timestamp=timestamp,
        signature=sign(APPID, SECRET, nonce, timestamp),
    )
    return True


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    if path.startswith("/openapi/"):
        if case.headers is not None:
            _sign_headers(case.headers)
    elif path.startswith("/crm/"):
        if case.query is not None and "access_token" in case.query:
            case.query["access_token"] = _access_token()


def _admin(method, path, body=None):
    requests.request(method, f"{BASE_URL}/_emulator{path}", json=body, timeout=10)


def _touches_default_tenant(case):
    params = case.path_parameters or {}
    return params.get("corpid") in (CORPID, APPKEY) or params.get("appid") == APPID


def _repair(case, response):
    """Undoes what a control-plane call did to the state every later case relies on."""
    global _token
    path, method = case.operation.path, case.method.upper()
    if response.status_code >= 300:
        return
    if path == "/_emulator/clock" and method == "POST":
        _admin("POST", "/clock", {"reset": True})
    elif path == "/_emulator/faults" and method == "POST":
        _admin("DELETE", "/faults")
    elif path in ("/_emulator/import", "/_emulator/reset") or (
        method in ("PATCH", "DELETE", "POST") and _touches_default_tenant(case)
    ):
        # A full reset recreates the well-known tenants as a first start does.
        _admin("POST", "/reset", {})
        _token = None


def _auth_refused(case, response):
    surface = _surface(case.operation.path)
    if surface == "openapi":
        return response.status_code == 401
    if surface == "dingtalk":
        try:
            return response.json().get("errcode") in TOKEN_REFUSALS
        except (ValueError, AttributeError):
            return False
    return response.status_code in (401, 403)


@schemathesis.hook
def after_call(context, case, response):
    global _token
    surface = _surface(case.operation.path)
    counts = _tally.setdefault(surface, {"responses": 0, "auth_refused": 0, "status": {}})
    counts["responses"] += 1
    status = str(response.status_code)
    counts["status"][status] = counts["status"].get(status, 0) + 1
    if _auth_refused(case, response):
        counts["auth_refused"] += 1
        if surface == "dingtalk" and "access_token" in (case.query or {}):
            _token = None
    _repair(case, response)


@atexit.register
def _write_tally():
    if TALLY_PATH:
        with open(TALLY_PATH, "w", encoding="utf-8") as out:
            json.dump(_tally, out, indent=1, sort_keys=True)
