#!/usr/bin/python3
"""Checks what the HTTP receiver recorded against what was sent and what
Falco sends.

usage: check_http.py RECORDS STDOUT USER_AGENT CONTENT_TYPE [FALCO_JSONL]

RECORDS is the receiver's file (one JSON request a line), STDOUT saker's
stdout sink with the same alerts. Every request must be a POST with the
given User-Agent and Content-Type whose body is the alert line the stdout
sink printed, in the same order. With FALCO_JSONL (Falco's JSON alerts for
the same rules and capture), every body must be a JSON alert of Falco's
shape: the same alerts (paired by rule and evt.num), the same top-level
keys, the same rule, priority, source, time, tags and hostname, and the
same output_fields keys. Prints what differs; exits 1 when anything does.
"""
import json
import sys


def main():
    records = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    lines = [l.rstrip("\n") for l in open(sys.argv[2]) if l.strip()]
    ua, ctype = sys.argv[3], sys.argv[4]
    bad = []
    if len(records) != len(lines):
        bad.append("%d requests for %d alerts" % (len(records), len(lines)))
    for i, (rec, line) in enumerate(zip(records, lines)):
        h = rec["headers"]
        if rec["method"] != "POST":
            bad.append("request %d: %s" % (i, rec["method"]))
        if h.get("user-agent") != ua:
            bad.append("request %d: user-agent %r" % (i, h.get("user-agent")))
        if h.get("content-type") != ctype:
            bad.append("request %d: content-type %r" % (i, h.get("content-type")))
        if rec["body"] != line:
            bad.append("request %d: body %r is not the alert %r" % (i, rec["body"][:80], line[:80]))
    if len(sys.argv) > 5:
        bad += against_falco(records, sys.argv[5])
    for b in bad[:20]:
        print(b)
    return 1 if bad else 0


def key(a):
    return (a["rule"], a["output_fields"].get("evt.num"))


def against_falco(records, path):
    bad = []
    got = {}
    for rec in records:
        a = json.loads(rec["body"])
        got[key(a)] = a
    want = {}
    for l in open(path):
        if l.strip():
            a = json.loads(l)
            want[key(a)] = a
    if set(got) != set(want):
        bad.append("alerts differ: %d only in saker's, %d only in Falco's" %
                   (len(set(got) - set(want)), len(set(want) - set(got))))
    for k in sorted(set(got) & set(want), key=str):
        g, w = got[k], want[k]
        if set(g) != set(w):
            bad.append("%s: keys %s against Falco's %s" % (k, sorted(g), sorted(w)))
        for f in ("rule", "priority", "source", "time", "tags", "hostname"):
            if g.get(f) != w.get(f):
                bad.append("%s: %s %r against Falco's %r" % (k, f, g.get(f), w.get(f)))
        if set(g["output_fields"]) != set(w["output_fields"]):
            bad.append("%s: output_fields keys differ: %s" %
                       (k, sorted(set(g["output_fields"]) ^ set(w["output_fields"]))))
    return bad


if __name__ == "__main__":
    sys.exit(main())
