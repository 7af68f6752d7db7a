#!/usr/bin/env python3
"""Checks the alerts of a live detection run against the suite's
expectations.

usage: check_alerts.py EXPECT ALERTS [--rules RULES_FILE]
       check_alerts.py --none ALERTS

EXPECT has one line per case: the rule name, then the strings its alert's
output must contain, tab-separated. ALERTS is saker's JSON output, one
alert a line. With --rules, every rule of RULES_FILE must have a case.
Prints one line per case and "N passed, N failed"; exits 1 on a failure.
With --none, every alert is a failure (the benign workload)."""
import json
import re
import sys


def load_alerts(path):
    alerts = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                alerts.append(json.loads(line))
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{n}: not JSON ({e})")
    return alerts


def rule_names(path):
    names = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^- rule: (.+?)\s*$", line)
            if m:
                names.append(m.group(1))
    return names


def main(argv):
    if len(argv) == 3 and argv[1] == "--none":
        alerts = load_alerts(argv[2])
        for a in alerts:
            print(f"FAIL unexpected alert: {a.get('rule')}: {a.get('output')}")
        print(f"{0 if alerts else 1} passed, {len(alerts)} failed")
        return 1 if alerts else 0
    if len(argv) not in (3, 5):
        sys.exit(__doc__)
    alerts = load_alerts(argv[2])
    cases = []
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts and parts[0]:
                cases.append((parts[0], parts[1:]))
    passed = failed = 0
    for rule, needles in cases:
        hit = [a for a in alerts
               if a.get("rule") == rule and all(n in a.get("output", "") for n in needles)]
        if hit:
            passed += 1
            print(f"PASS {rule}")
        else:
            failed += 1
            same = [a.get("output", "") for a in alerts if a.get("rule") == rule]
            print(f"FAIL {rule}: no alert containing {needles}"
                  + (f"; its alerts: {same[:3]}" if same else "; it did not fire"))
    if len(argv) == 5 and argv[3] == "--rules":
        tested = {rule for rule, _ in cases}
        for name in rule_names(argv[4]):
            if name not in tested:
                failed += 1
                print(f"FAIL {name}: no case in the suite")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
