#!/usr/bin/env python3
# The differential test against Falco's own output: replays each capture of
# the shared ground truth (shared/falco/groundtruth) with saker and the same
# rules, pairs saker's JSON alerts with Falco's by rule, evt.num and time,
# and compares the set of alerts, every key of output_fields, priority,
# tags, source and the output text without its time. Prints the agreement
# per field and every difference; exits 1 on any difference that
# known_differences.txt does not list (capture, evt.num and field, with the
# reason), 77 when the ground truth is not there.
import argparse, gzip, json, os, subprocess, sys, collections

def load_jsonl(path):
    op = gzip.open if path.endswith(".gz") else open
    out = []
    with op(path, "rt") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                out.append(json.loads(line))
    return out

def key(a):
    f = a.get("output_fields", {})
    return (a["rule"], f.get("evt.num"), f.get("evt.time"))

def strip_time(out):
    # "HH:MM:SS.nnnnnnnnn: Priority rest"
    i = out.find(": ")
    return out[i + 2:] if i >= 0 else out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("saker")
    ap.add_argument("--shared", required=True)
    ap.add_argument("--set", action="append", default=None)
    ap.add_argument("--capture", action="append", default=None)
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--field", default=None)
    ap.add_argument("--known", default=None)
    args = ap.parse_args()
    gt = os.path.join(args.shared, "falco", "groundtruth")
    caps = os.path.join(args.shared, "falco", "captures")
    sets = {
        "fieldprobe": [os.path.join(gt, "fieldprobe_rules.yaml")],
        "official-3.2.0": [os.path.join(args.shared, "falco", "rules-3.2.0", n) for n in
                           ("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml")],
    }
    known = set()
    if args.known:
        with open(args.known) as f:
            for line in f:
                line = line.split("#", 1)[0].split()
                if len(line) == 3:
                    known.add((line[0], int(line[1]), line[2]))
    if not os.path.isdir(gt):
        print(f"skipped: no ground truth at {gt}")
        return 77
    total_bad = 0
    field_ok = collections.Counter(); field_all = collections.Counter()
    examples = collections.defaultdict(list)
    for sname in (args.set or sets.keys()):
        d = os.path.join(gt, sname)
        for fn in sorted(os.listdir(d)):
            if not fn.endswith((".jsonl", ".jsonl.gz")):
                continue
            cap = fn.split(".jsonl")[0]
            if args.capture and cap not in args.capture:
                continue
            cpath = None
            for ext in (".scap", ".scap.gz"):
                if os.path.exists(os.path.join(caps, cap + ext)):
                    cpath = os.path.join(caps, cap + ext)
            falco = load_jsonl(os.path.join(d, fn))
            cmd = [args.saker, "-e", cpath, "-o", "json_output=true"]
            for r in sets[sname]:
                cmd += ["-r", r]
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                print(f"{sname}/{cap}: saker exited {p.returncode}: {p.stderr[-2000:]}")
                total_bad += 1
                continue
            mine = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
            fm = {key(a): a for a in falco}
            mm = {key(a): a for a in mine}
            missing = [k for k in fm if k not in mm]
            extra = [k for k in mm if k not in fm]
            both = [k for k in fm if k in mm]
            agree = 0
            for k in both:
                fa, ma = fm[k], mm[k]
                ok = True
                ff, mf = fa["output_fields"], ma["output_fields"]
                for name in set(ff) | set(mf):
                    field_all[name] += 1
                    fv = ff.get(name, "<absent>"); mv = mf.get(name, "<absent>")
                    if fv == mv or (cap, ff.get("evt.num"), name) in known:
                        field_ok[name] += 1
                    else:
                        ok = False
                        if len(examples[name]) < args.show:
                            examples[name].append((sname, cap, k[1], ff.get("evt.type"), fv, mv))
                for prop in ("priority", "tags", "source"):
                    if fa.get(prop) != ma.get(prop):
                        ok = False
                        field_all["."+prop] += 1
                        if len(examples["."+prop]) < args.show:
                            examples["."+prop].append((sname, cap, k[1], ff.get("evt.type"), fa.get(prop), ma.get(prop)))
                if strip_time(fa["output"]) != strip_time(ma["output"]) and \
                        (cap, ff.get("evt.num"), ".output") not in known:
                    field_all[".output"] += 1
                    if len(examples[".output"]) < args.show:
                        a, b = strip_time(fa["output"]), strip_time(ma["output"])
                        i = next((j for j in range(min(len(a), len(b))) if a[j] != b[j]), min(len(a), len(b)))
                        examples[".output"].append((sname, cap, k[1], ff.get("evt.type"), a[max(0, i-60):i+60], b[max(0, i-60):i+60]))
                    ok = False
                if ok:
                    agree += 1
            bad = len(missing) + len(extra) + (len(both) - agree)
            total_bad += bad
            print(f"{sname}/{cap}: falco {len(falco)} saker {len(mine)} paired {len(both)} "
                  f"equal {agree} missing {len(missing)} extra {len(extra)}")
            for k in missing[:args.show]:
                print(f"   missing: {k}")
            for k in extra[:args.show]:
                print(f"   extra: {k}")
    names = sorted(field_all, key=lambda n: field_ok[n] / field_all[n])
    for n in names:
        if args.field and n != args.field:
            continue
        if field_ok[n] != field_all[n]:
            print(f"{n}: {field_ok[n]}/{field_all[n]}")
            for e in examples[n]:
                print(f"    {e[0]}/{e[1]} evt.num={e[2]} {e[3]}: falco={e[4]!r} saker={e[5]!r}")
    print(f"fields fully equal: {sum(1 for n in field_all if field_ok[n]==field_all[n])}/{len(field_all)}")
    print("PASS" if total_bad == 0 else f"FAIL: {total_bad} differences")
    return 0 if total_bad == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
