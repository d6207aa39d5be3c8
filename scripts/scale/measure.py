#!/usr/bin/env python3
"""Median latency of single requests, one at a time over one keep-alive connection per
server, against emulators seeded by scripts/scale/seed.py: one with N_SMALL customers
per API, one with N_LARGE. Requests alternate between the two servers (small, large,
small, …), so whatever else loads the machine weighs on both sizes alike: the ratio is
what the measurement is for.

    scripts/scale/measure.py SMALL_URL N_SMALL LARGE_URL N_LARGE REPEATS

Prints one line per query: "name<TAB>small median ms<TAB>large median ms". Every
request asks for a different, randomly chosen customer (so no cache answers it) and
must succeed with the right answer.
"""
import http.client, json, os, random, statistics, sys, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed import WORDS, token  # noqa: E402

OA = {"appid": "scale", "Content-Type": "application/json"}


class Server:
    def __init__(self, base, n):
        url = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port)
        self.n = n
        self.access = self.call("GET", "/gettoken?corpid=dingscale&corpsecret=scale-secret")["access_token"]

    def call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body)
        self.conn.request(method, path, body=data, headers=headers or {})
        resp = self.conn.getresponse()
        raw = resp.read()
        if resp.status != 200:
            sys.exit(f"{method} {path} {body}: HTTP {resp.status} {raw[:300]!r}")
        return json.loads(raw)


def oa_find(s, i):
    doc = s.call("GET", f"/openapi/crm/findById/{i}", headers=OA)
    assert doc["data"]["_id"] == str(i), doc


def oa_eq_mobile(s, i):
    doc = s.call("POST", "/openapi/crm/list", {"search": [{"field": "mobile", "operator": "eq", "value": [f"1{i:010d}"]}]}, OA)
    assert doc["data"]["count"] == 1 and doc["data"]["list"][0]["_id"] == str(i), doc


def oa_contains_name(s, i):
    doc = s.call("POST", "/openapi/crm/list", {"search": [{"field": "customerName", "operator": "contains", "value": [token(i)]}]}, OA)
    assert doc["data"]["count"] == 1 and doc["data"]["list"][0]["_id"] == str(i), doc


def oa_list_count(s, i):
    doc = s.call("POST", "/openapi/crm/list", {"limit": 10, "page": 1}, OA)
    assert doc["data"]["count"] == s.n and doc["data"]["list"][0]["_id"] == str(s.n), doc


def dt_get(s, i):
    doc = s.call("GET", f"/crm/customer/get?access_token={s.access}&id={i}")
    assert doc["errcode"] == 0, doc


def dt_list(s, i):
    doc = s.call("GET", f"/crm/customer/list?access_token={s.access}&offset=0&size=20")
    assert doc["errcode"] == 0 and doc["hasMore"], doc


def v1_headers(s):
    return {"x-acs-dingtalk-access-token": s.access, "Content-Type": "application/json"}


def v1_first_page(s, i):
    doc = s.call("GET", "/v1.0/crm/personalCustomers?maxResults=20", headers=v1_headers(s))
    assert doc["totalCount"] == s.n and doc["hasMore"] and doc["values"][0]["instanceId"] == "1", doc


def v1_page_after(s, i):
    i = min(i, s.n - 1)
    doc = s.call("GET", f"/v1.0/crm/personalCustomers?maxResults=20&nextToken={i}", headers=v1_headers(s))
    assert doc["totalCount"] == s.n and doc["values"][0]["instanceId"] == str(i + 1), doc


def v1_name_eq(s, i):
    name = f"客户{token(i)} Trading Co {WORDS[i % 8]}"
    dsl = json.dumps({"queryGroupList": [{"queryObjectList": [
        {"fieldId": "customer_name", "filterType": "EQ", "value": name}]}]})
    path = "/v1.0/crm/personalCustomers?maxResults=20&queryDsl=" + urllib.parse.quote(dsl)
    doc = s.call("GET", path, headers=v1_headers(s))
    assert doc["totalCount"] == 1 and doc["values"][0]["instanceId"] == str(i), doc


def v1_batch_query(s, i):
    doc = s.call("POST", "/v1.0/crm/personalCustomers/batchQuery", [str(i)], v1_headers(s))
    assert doc["result"][0]["instanceId"] == str(i), doc


QUERIES = [("oa findById", oa_find), ("oa eq mobile", oa_eq_mobile),
           ("oa contains customerName", oa_contains_name), ("oa list page + count", oa_list_count),
           ("dt get", dt_get), ("dt list page", dt_list),
           ("v1 query first page + totalCount", v1_first_page),
           ("v1 query page after a cursor", v1_page_after),
           ("v1 query customer_name EQ", v1_name_eq), ("v1 batchQuery", v1_batch_query)]


def main():
    small = Server(sys.argv[1], int(sys.argv[2]))
    large = Server(sys.argv[3], int(sys.argv[4]))
    repeats = int(sys.argv[5])
    rng = random.Random(14)
    for name, query in QUERIES:
        for _ in range(max(5, repeats // 10)):  # warm-up
            for s in (small, large):
                query(s, rng.randint(1, s.n))
        times = {id(small): [], id(large): []}
        for _ in range(repeats):
            for s in (small, large):
                i = rng.randint(1, s.n)
                t = time.perf_counter()
                query(s, i)
                times[id(s)].append((time.perf_counter() - t) * 1000)
        a, b = statistics.median(times[id(small)]), statistics.median(times[id(large)])
        print(f"{name}\t{a:.3f}\t{b:.3f}", flush=True)


main()
