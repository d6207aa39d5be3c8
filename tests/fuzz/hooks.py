"""Schemathesis hooks for fuzzing crm-emulator (issue 11): loaded by `tests/fuzz/run.sh`
through `SCHEMATHESIS_HOOKS`.

What they do, and why:

* **Authentication at send time.** Generated cases carry the security parameters the
  document declares (the DingTalk `access_token` query parameter; the DingTalk v1.0
  `x-acs-dingtalk-access-token` header, which takes the same token; the OpenAPI
  `appid`, `nonce`, `timestamp` and `signature` headers) with random values. `before_call`
  replaces them with valid ones just before each request is sent, so that most cases
  get past auth and reach the handlers. Signing at send time (rather than in an auth
  provider, once per case) gives every send, including Hypothesis's re-runs while it
  shrinks a failure, a fresh nonce, so none is refused as a replay. A case from which
  Schemathesis removed a security parameter on purpose (a negative case) is sent as
  generated, so the refusals are exercised too.
* **Both modes.** Besides the well-known tenants (lenient), the hooks create a strict
  corp and a strict account and send about half of the authenticated cases as them
  (picked from the case's content, so a re-sent case keeps its tenant), so that one run
  exercises the refusals of strict tenants and the warnings of lenient ones.
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
import zlib

import requests
import schemathesis

BASE_URL = os.environ.get("CRM_FUZZ_BASE_URL", "http://127.0.0.1:8080")
TALLY_PATH = os.environ.get("CRM_FUZZ_TALLY")

# The well-known tenants every fresh database has (README "Well-known credentials"),
# and the strict twins the hooks create.
CORPID = "dingemulator"
APPKEY = "dingemulatorkey"
APPID = "1090"
SECRET = "emulator-secret"
STRICT_CORPID = "dingfuzzstrict"
STRICT_APPID = "1091"
SIGNATURE_HEADERS = ("appid", "nonce", "timestamp", "signature")

# DingTalk errcodes of an unusable token: unknown, missing, expired.
TOKEN_REFUSALS = {40014, 41001, 42001}
# The DingTalk v1.0 token header, and the code of an unusable token.
V1_TOKEN_HEADER = "x-acs-dingtalk-access-token"
V1_TOKEN_REFUSAL = "InvalidAuthentication"

_tokens = {}
_strict_ready = False
_tally = {}


def _surface(path):
    if path.startswith("/openapi/"):
        return "openapi"
    if path.startswith("/v1.0/"):
        return "dingtalk-v1"
    if path.startswith("/_emulator"):
        return "control"
    return "dingtalk"


def _ensure_strict_tenants():
    """Creates the strict corp and account, once and again after a full reset."""
    global _strict_ready
    if _strict_ready:
        return
    _admin("POST", "/dingtalk/corps",
           {"corpid": STRICT_CORPID, "corpsecret": SECRET, "mode": "strict"})
    _admin("POST", "/openapi/accounts", {"appid": STRICT_APPID, "secret": SECRET, "mode": "strict"})
    _strict_ready = True


def _strict(case):
    """Whether to send `case` as the strict tenant: about half the cases, the same
    choice each time the same case is sent."""
    content = repr((case.operation.label, case.path_parameters, case.query, case.body))
    return zlib.crc32(content.encode()) % 2 == 1


def _access_token(corpid):
    """A token of `corpid`, fetched once and again after anything drops it."""
    if corpid not in _tokens:
        _ensure_strict_tenants()
        answer = requests.get(
            f"{BASE_URL}/gettoken",
            params={"corpid": corpid, "corpsecret": SECRET},
            timeout=10,
        ).json()
        if answer.get("errcode") != 0:
            raise RuntimeError(f"/gettoken refused corp {corpid}: {answer}")
        _tokens[corpid] = answer["access_token"]
    return _tokens[corpid]


def sign(appid, secret, nonce, timestamp):
    """docs/openapi.md#authentication: Base64(HMAC-SHA256(secret, appid + nonce + timestamp))."""
    mac = hmac.new(secret.encode(), (appid + nonce + timestamp).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def _sign_headers(headers, appid):
    present = {name.lower(): name for name in headers}
    if not all(name in present for name in SIGNATURE_HEADERS):
        return
    for name in SIGNATURE_HEADERS:
        del headers[present[name]]
    nonce = secrets.token_hex(8)
    timestamp = str(int(time.time()))
    headers.update(
        appid=appid,
        nonce=nonce,
        timestamp=timestamp,
        signature=sign(appid, SECRET, nonce, timestamp),
    )


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    strict = _strict(case)
    if path.startswith("/openapi/"):
        if case.headers is not None:
            _ensure_strict_tenants()
            _sign_headers(case.headers, STRICT_APPID if strict else APPID)
    elif path.startswith("/crm/"):
        if case.query is not None and "access_token" in case.query:
            case.query["access_token"] = _access_token(STRICT_CORPID if strict else CORPID)
    elif path.startswith("/v1.0/crm/"):
        # One token store: /gettoken's token is the v1.0 token too.
        present = {name.lower(): name for name in (case.headers or {})}
        if V1_TOKEN_HEADER in present:
            token = _access_token(STRICT_CORPID if strict else CORPID)
            case.headers[present[V1_TOKEN_HEADER]] = token


def _admin(method, path, body=None):
    requests.request(method, f"{BASE_URL}/_emulator{path}", json=body, timeout=10)


def _touches_fuzzed_tenant(case):
    params = case.path_parameters or {}
    return params.get("corpid") in (CORPID, APPKEY, STRICT_CORPID) or params.get("appid") in (
        APPID,
        STRICT_APPID,
    )


def _repair(case, response):
    """Undoes what a control-plane call did to the state every later case relies on."""
    global _strict_ready
    path, method = case.operation.path, case.method.upper()
    if response.status_code >= 300:
        return
    if path == "/_emulator/clock" and method == "POST":
        _admin("POST", "/clock", {"reset": True})
    elif path == "/_emulator/faults" and method == "POST":
        _admin("DELETE", "/faults")
    elif path in ("/_emulator/import", "/_emulator/reset") or (
        method in ("PATCH", "DELETE", "POST") and _touches_fuzzed_tenant(case)
    ):
        # A full reset recreates the well-known tenants as a first start does; the
        # strict ones are created again before the next authenticated case.
        _admin("POST", "/reset", {})
        _tokens.clear()
        _strict_ready = False


def _auth_refused(case, response):
    surface = _surface(case.operation.path)
    if surface == "openapi":
        return response.status_code == 401
    if surface == "dingtalk":
        try:
            return response.json().get("errcode") in TOKEN_REFUSALS
        except (ValueError, AttributeError):
            return False
    if surface == "dingtalk-v1":
        try:
            return response.json().get("code") == V1_TOKEN_REFUSAL
        except (ValueError, AttributeError):
            return False
    return response.status_code in (401, 403)


@schemathesis.hook
def after_call(context, case, response):
    surface = _surface(case.operation.path)
    counts = _tally.setdefault(surface, {"responses": 0, "auth_refused": 0, "status": {}})
    counts["responses"] += 1
    status = str(response.status_code)
    counts["status"][status] = counts["status"].get(status, 0) + 1
    if _auth_refused(case, response):
        counts["auth_refused"] += 1
        if surface == "dingtalk" and "access_token" in (case.query or {}):
            _tokens.clear()
        if surface == "dingtalk-v1":
            _tokens.clear()
    _repair(case, response)


@atexit.register
def _write_tally():
    if TALLY_PATH:
        with open(TALLY_PATH, "w", encoding="utf-8") as out:
            json.dump(_tally, out, indent=1, sort_keys=True)
