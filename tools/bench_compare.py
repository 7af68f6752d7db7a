#!/usr/bin/env python3
"""Compares google-benchmark JSON results of saker-bench, baseline against
candidate, and flags regressions: a benchmark whose median real time grew
by more than the threshold, or whose lower-is-better counter
(..._ns_per_event, ..._ms, peak_rss_mib, cpu_s: the end-to-end benchmarks'
peak resident set and CPU time) grew by more than it. Each side may be
several files (runs alternated A B A B on a noisy machine): the medians of
their runs are compared. Exits 1 when anything regressed, so that a CI job
can fail on it; 2 on a file that is not a saker-bench result.

    build/saker-bench --benchmark_out=new.json --benchmark_out_format=json \\
        --benchmark_repetitions=5
    tools/bench_compare.py old.json new.json --threshold 5
    tools/bench_compare.py a1.json a2.json -- b1.json b2.json --filter e2e_
"""
import argparse
import json
import re
import statistics
import sys

LOWER_IS_BETTER = ("_ns_per_event", "_ms", "peak_rss_mib", "cpu_s")


def load(path, runs):
    """Adds the runs of one result file to runs: name -> list of figures."""
    try:
        with open(path) as f:
            doc = json.load(f)
        benches = doc["benchmarks"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"{path}: not a saker-bench JSON result: {e}", file=sys.stderr)
        sys.exit(2)
    for b in benches:
        if b.get("error_occurred"):
            continue
        agg = b.get("aggregate_name")
        if agg and agg != "median":
            continue
        name = b.get("run_name", b["name"])
        runs.setdefault(name, []).append({
            "time": b["real_time"], "unit": b.get("time_unit", "ns"),
            "counters": {k: v for k, v in b.items()
                         if isinstance(v, (int, float)) and k.endswith(LOWER_IS_BETTER)},
            "median": agg == "median"})


def summarise(runs):
    """One figure set per benchmark: its median run when there is one, else
    the medians over the runs of every file."""
    out = {}
    for name, lst in runs.items():
        meds = [r for r in lst if r["median"]]
        use = meds if meds else lst
        keys = set().union(*[set(r["counters"]) for r in use])
        out[name] = {
            "time": statistics.median(r["time"] for r in use),
            "unit": use[0]["unit"],
            "counters": {k: statistics.median(r["counters"][k] for r in use if k in r["counters"])
                         for k in keys},
        }
    return out


def pct(old, new):
    return (new - old) / old * 100.0 if old else 0.0


def main():
    argv = sys.argv[1:]
    if "--" in argv:
        k = argv.index("--")
        left, right = argv[:k], argv[k + 1:]
    else:
        left, right = argv, None
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--threshold", type=float, default=5.0,
                    help="percent of slow-down that counts as a regression (default 5)")
    ap.add_argument("--filter", help="only the benchmarks whose name matches this regex")
    if right is None:
        a = ap.parse_args(left)
        if len(a.files) != 2:
            ap.error("give BASELINE CANDIDATE, or BASELINE... -- CANDIDATE...")
        base_files, cand_files = a.files[:1], a.files[1:]
    else:
        a = ap.parse_args(left + right)
        base_files = [f for f in left if not f.startswith("--") and f in a.files]
        cand_files = [f for f in right if f in a.files]
        if not base_files or not cand_files:
            ap.error("give BASELINE... -- CANDIDATE...")
    filt = re.compile(a.filter) if a.filter else None
    old_runs, new_runs = {}, {}
    for f in base_files:
        load(f, old_runs)
    for f in cand_files:
        load(f, new_runs)
    old, new = summarise(old_runs), summarise(new_runs)
    regressed = 0
    print(f"{'benchmark':50} {'baseline':>14} {'candidate':>14} {'change':>9}")
    for name in sorted(set(old) & set(new)):
        if filt and not filt.search(name):
            continue
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
        if not filt or filt.search(name):
            print(f"{name:50} missing from the candidate")
    for name in sorted(set(new) - set(old)):
        if not filt or filt.search(name):
            print(f"{name:50} new")
    if regressed:
        print(f"{regressed} regression(s) over {a.threshold:g}%")
        return 1
    print(f"no regression over {a.threshold:g}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
