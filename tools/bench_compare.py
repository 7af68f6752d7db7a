#!/usr/bin/env python3
"""Compares two google-benchmark JSON files from saker-bench (a baseline and
a candidate) and flags regressions: a benchmark whose median real time (or
mean, when no aggregates were asked for) grew by more than the threshold, or
whose lower-is-better counter (..._ns_per_event, ..._ms) grew by more than it.
Exits 1 when anything regressed, so that a CI job can fail on it.

    build/saker-bench --benchmark_out=new.json --benchmark_out_format=json \\
        --benchmark_repetitions=5
    tools/bench_compare.py old.json new.json --threshold 5
"""
import argparse
import json
import sys

LOWER_IS_BETTER = ("_ns_per_event", "_ms")


def load(path):
    with open(path) as f:
        doc = json.load(f)
    runs = {}
    for b in doc.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        agg = b.get("aggregate_name")
        name = b.get("run_name", b["name"])
        if agg and agg != "median":
            continue
        # a median beats plain iterations; without repetitions, average them
        if agg == "median" or name not in runs:
            runs[name] = {"time": b["real_time"], "unit": b.get("time_unit", "ns"),
                          "counters": {k: v for k, v in b.items()
                                       if isinstance(v, (int, float)) and k.endswith(LOWER_IS_BETTER)},
                          "median": agg == "median"}
    return runs


def pct(old, new):
    return (new - old) / old * 100.0 if old else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("baseline")
    ap.add_argument("candidate")
    ap.add_argument("--threshold", type=float, default=5.0,
                    help="percent of slow-down that counts as a regression (default 5)")
    a = ap.parse_args()
    old, new = load(a.baseline), load(a.candidate)
    regressed = 0
    print(f"{'benchmark':50} {'baseline':>14} {'candidate':>14} {'change':>9}")
    for name in sorted(set(old) & set(new)):
        o, n = old[name], new[name]
        rows = [("time", o["time"], n["time"], o["unit"])]
        for k in sorted(set(o["counters"]) & set(n["counters"])):
            rows.append((k, o["counters"][k], n["counters"][k], ""))
        for what, ov, nv, unit in rows:
            d = pct(ov, nv)
            bad = d > a.threshold
            regressed += bad
            label = name if what == "time" else f"  {what}"
            print(f"{label:50} {ov:>12.4g}{unit:>2} {nv:>12.4g}{unit:>2} {d:>+8.1f}%"
                  f"{'  REGRESSION' if bad else ''}")
    for name in sorted(set(old) - set(new)):
        print(f"{name:50} missing from the candidate")
    for name in sorted(set(new) - set(old)):
        print(f"{name:50} new")
    if regressed:
        print(f"{regressed} regression(s) over {a.threshold:g}%")
        return 1
    print(f"no regression over {a.threshold:g}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
