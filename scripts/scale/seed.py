#!/usr/bin/env python3
"""Writes a seed document (docs/export-format.md) with N OpenAPI customers in account
`scale` and N DingTalk customers in corp `dingscale`, streamed (no list in memory).

    scripts/scale/seed.py N FILE

Customer i is named "客户{token(i)} Trading Co {word}" with mobile 1{i:010d}; its
DingTalk twin is named the same with telephone 0{i:010d}. Ids are given (1..N),
times increase with i, so the newest customer is N. `token(i)` is six characters of
a-z0-9 that no other customer's token equals: like real names, the names share few
substrings (a name numbered with leading zeros instead would put the same trigram,
"户00", into every name).
"""
import sys

ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 32 symbols


def token(i):
    """Six base-32 digits of i times an odd constant modulo 2^30: one-to-one."""
    x = (i * 2654435761) % (1 << 30)
    return "".join(ALPHABET[(x >> (5 * k)) & 31] for k in range(6))

WORDS = ["北京", "上海", "Alpha", "Beta", "Gamma", "深圳", "Delta", "杭州"]


def main():
    n, path = int(sys.argv[1]), sys.argv[2]
    t0 = 1_700_000_000_000
    with open(path, "w", encoding="utf-8") as f:
        w = f.write
        w('{"version":1,"dingtalk":{"corps":[{"corpid":"dingscale","corpsecret":"scale-secret","customers":[')
        for i in range(1, n + 1):
            if i > 1:
                w(",")
            w('{"id":"%d","name":"客户%s Trading Co %s","telephone":"0%010d","createBy":"u1","createdAt":%d}'
              % (i, token(i), WORDS[i % 8], i, t0 + i))
        w(']}]},"openapi":{"accounts":[{"appid":"scale","secret":"scale-secret","createdAt":%d,"customers":[' % t0)
        for i in range(1, n + 1):
            if i > 1:
                w(",")
            w('{"id":"%d","customerName":"客户%s Trading Co %s","mobile":[{"value":"1%010d"}],'
              '"createMethod":"openApi","createTime":%d,"updateTime":%d,"createAgent":"openApi","updateAgent":"openApi"}'
              % (i, token(i), WORDS[i % 8], i, t0 + i, t0 + i))
        w("]}]}}\n")


if __name__ == "__main__":
    main()
