#!/usr/bin/env python3
"""Checks a live detection run of saker's default ruleset.

usage: check_alerts.py detect --actions ACTIONS --alerts ALERTS --rules RULES
                              --coverage COVERAGE [--official FILE...]
       check_alerts.py benign --alerts ALERTS --rules RULES --tag TAG
       check_alerts.py ruleset --rules RULES

ACTIONS has one line per attacker action: its id, its marker, then the
rules of RULES that must alert on it, tab-separated. ALERTS is saker's JSON
output, one alert a line; an alert belongs to an action when its output
carries the action's marker.

detect checks that every expected rule fired on its action, that every rule
of RULES is reached by at least two actions, that every rule is well formed
(see ruleset), and, given the official rules files: compares the rulesets
action by action (an action an official rule catches and no saker rule does
is a failure; the other way round is reported) and checks COVERAGE, which
maps every official rule to the saker rules covering it, or says why the
official rule cannot fire here, or why it is not covered (then the header of
RULES must name it).

benign fails on every alert of a rule of RULES whose output carries TAG (the
cgroup of the ordinary work); alerts of other rules are reported.

ruleset checks RULES alone: every rule has a description, a priority, MITRE
ATT&CK tags, named exceptions and an output ending with the common fields.

Prints one line per check and "N passed, N failed"; exits 1 on a failure."""
import json
import re
import sys

import yaml

# the fields every saker alert ends with, in this order
COMMON_TAIL = ("evt_type=%evt.type exe=%proc.exepath cmdline=%proc.cmdline pid=%proc.pid "
               "parent=%proc.pname pcmdline=%proc.pcmdline gparent=%proc.aname[2] user=%user.name "
               "uid=%user.uid loginuser=%user.loginname loginuid=%user.loginuid terminal=%proc.tty "
               "fd=%fd.name container_id=%container.id container_name=%container.name "
               "image=%container.image.repository k8s_ns=%k8s.ns.name k8s_pod=%k8s.pod.name")
MIN_WAYS = 2
STATUSES = ("exercised", "elsewhere", "not-covered")


class Report:
    def __init__(self):
        self.passed = self.failed = 0

    def ok(self, msg):
        self.passed += 1
        print(f"PASS {msg}")

    def fail(self, msg):
        self.failed += 1
        print(f"FAIL {msg}")

    def check(self, cond, msg_ok, msg_fail):
        (self.ok if cond else self.fail)(msg_ok if cond else msg_fail)

    def done(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


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


class RulesLoader(yaml.SafeLoader):
    """YAML 1.1 reads a lone '=' (exception comparators) as a 'value' tag;
    rules files mean the string."""


RulesLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: node.value)


def load_rules(path):
    """The rules of a rules file, in order: name -> the rule's mapping."""
    with open(path, encoding="utf-8") as f:
        items = yaml.load(f, Loader=RulesLoader) or []
    return {i["rule"]: i for i in items if isinstance(i, dict) and "rule" in i}


def header_of(path):
    lines = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            lines.append(line)
    return "".join(lines)


def check_ruleset(rules, rep):
    for name, r in rules.items():
        out = " ".join(str(r.get("output", "")).split())
        tags = r.get("tags") or []
        problems = []
        if not str(r.get("desc", "")).strip():
            problems.append("no description")
        if not r.get("priority"):
            problems.append("no priority")
        if not out.endswith(COMMON_TAIL):
            problems.append("output does not end with the common fields")
        if " | " not in out:
            problems.append("output has no ' | ' after its sentence")
        if not any(str(t).startswith("mitre_") for t in tags):
            problems.append("no MITRE tactic tag")
        if not any(re.fullmatch(r"(T\d{4}(\.\d{3})?|TA\d{4})", str(t)) for t in tags):
            problems.append("no MITRE technique tag")
        if not all(e.get("name") for e in r.get("exceptions") or []) or not r.get("exceptions"):
            problems.append("no named exceptions")
        rep.check(not problems, f"rule '{name}' is well formed",
                  f"rule '{name}': " + ", ".join(problems))


def load_actions(path):
    actions = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                actions.append((parts[0], parts[1], parts[2:]))
    return actions


def load_coverage(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                sys.exit(f"{path}:{n}: want 4 tab-separated columns, got {len(parts)}")
            name, status, saker, reason = parts
            if status not in STATUSES:
                sys.exit(f"{path}:{n}: status '{status}' is not one of {', '.join(STATUSES)}")
            if name in rows:
                sys.exit(f"{path}:{n}: '{name}' listed twice")
            rows[name] = (status, [s.strip() for s in saker.split(",") if s.strip()], reason)
    return rows


def detect(args):
    rep = Report()
    rules = load_rules(args["--rules"][0])
    check_ruleset(rules, rep)
    alerts = load_alerts(args["--alerts"][0])
    actions = load_actions(args["--actions"][0])
    official = {}
    for path in args.get("--official", []):
        official.update(load_rules(path))

    # what fired on each action
    fired = {}
    for aid, marker, _ in actions:
        fired[aid] = {a.get("rule") for a in alerts if marker in a.get("output", "")}

    print("-- every expected rule fires on its action")
    ways = {name: [] for name in rules}
    for aid, marker, expected in actions:
        for rule in expected:
            if rule not in rules:
                rep.fail(f"{aid}: expects '{rule}', which is not a rule of the ruleset")
                continue
            ways[rule].append(aid)
            same = [a.get("output", "") for a in alerts if a.get("rule") == rule]
            rep.check(rule in fired[aid], f"{aid}: {rule}",
                      f"{aid}: '{rule}' did not fire with marker {marker}"
                      + (f"; its alerts: {same[:2]}" if same else "; it did not fire at all"))

    print(f"-- every rule is reached in at least {MIN_WAYS} ways")
    for rule, aids in ways.items():
        rep.check(len(aids) >= MIN_WAYS, f"{rule}: {len(aids)} ways ({', '.join(aids)})",
                  f"{rule}: {len(aids)} ways ({', '.join(aids) or 'none'})")

    if official:
        compare(rules, official, actions, fired, alerts, args, rep)
    else:
        print("SKIP the comparison with the official rules: none given")
    return rep.done()


def compare(rules, official, actions, fired, alerts, args, rep):
    print("-- action by action: official rules against saker's")
    saker_only = []
    for aid, _, _ in actions:
        s = sorted(fired[aid] & rules.keys())
        o = sorted(fired[aid] & official.keys())
        if o and not s:
            rep.fail(f"{aid}: official rules {o} fire, no saker rule does")
        elif s and not o:
            saker_only.append(aid)
        print(f"     {aid}: saker {s or '-'} | official {o or '-'}")
    both = sum(1 for aid, _, _ in actions if fired[aid] & rules.keys() and fired[aid] & official.keys())
    print(f"INFO {both} actions caught by both, {len(saker_only)} by saker's rules only: "
          + ", ".join(saker_only))

    print("-- coverage of every official rule")
    cov = load_coverage(args["--coverage"][0])
    header = header_of(args["--rules"][0])
    for name in official:
        if name not in cov:
            rep.fail(f"official rule '{name}' has no line in the coverage table")
    for name, (status, saker, reason) in cov.items():
        if name not in official:
            rep.fail(f"coverage table names '{name}', which no official file has")
            continue
        unknown = [s for s in saker if s not in rules]
        if unknown:
            rep.fail(f"'{name}': unknown saker rules {unknown}")
            continue
        on = [aid for aid, _, _ in actions if name in fired[aid]]
        if status == "exercised":
            if not on:
                rep.fail(f"'{name}' did not fire on any action; the table says it is exercised")
                continue
            missed = [aid for aid in on if not fired[aid] & set(saker)]
            rep.check(not missed and saker,
                      f"'{name}' (fired on {len(on)} actions) covered by {', '.join(saker)}",
                      f"'{name}': on {missed or on} none of {saker or 'no saker rules'} fired")
        elif status == "elsewhere":
            idle = [s for s in saker if not any(s in fired[aid] for aid, _, _ in actions)]
            rep.check(saker and not idle and reason,
                      f"'{name}' cannot fire here ({reason}); covered by {', '.join(saker)}",
                      f"'{name}': needs a reason and saker rules that fire (idle: {idle})")
        else:
            rep.check(f'"{name}"' in header and reason,
                      f"'{name}' not covered, explained in the ruleset's header",
                      f"'{name}' is not covered but the ruleset's header does not explain it")
        if status == "exercised" and f'"{name}"' in header:
            print(f"     ('{name}' is covered in part; the header says what is left out)")

    print("-- which saker rules cover the official ones")
    by_saker = {}
    for name, (status, saker, _) in cov.items():
        for s in saker:
            by_saker.setdefault(s, []).append(name)
    for s in rules:
        print(f"     {s}: {', '.join(by_saker.get(s, [])) or '(beyond the official rules)'}")
    counts = {st: sum(1 for v in cov.values() if v[0] == st) for st in STATUSES}
    print(f"INFO official rules: {len(official)}; exercised and covered {counts['exercised']}, "
          f"covered but unable to fire here {counts['elsewhere']}, "
          f"not covered {counts['not-covered']}")


def benign(args):
    rep = Report()
    rules = load_rules(args["--rules"][0])
    tag = args["--tag"][0]
    ours = [a for a in load_alerts(args["--alerts"][0]) if tag in a.get("output", "")]
    bad = [a for a in ours if a.get("rule") in rules]
    for a in bad:
        rep.fail(f"alert on ordinary work: {a.get('rule')}: {a.get('output')}")
    if not bad:
        rep.ok("no saker rule fired on the ordinary work")
    others = {}
    for a in ours:
        if a.get("rule") not in rules:
            others[a.get("rule")] = others.get(a.get("rule"), 0) + 1
    print(f"INFO other rules on the ordinary work: {sum(others.values())} alerts"
          + "".join(f"\n     {n}: {c}" for n, c in sorted(others.items())))
    return rep.done()


def ruleset(args):
    rep = Report()
    check_ruleset(load_rules(args["--rules"][0]), rep)
    return rep.done()


def parse(argv):
    args, key = {}, None
    for a in argv:
        if a.startswith("--"):
            key = a
            args.setdefault(key, [])
        elif key:
            args[key].append(a)
        else:
            sys.exit(__doc__)
    return args


def main(argv):
    modes = {"detect": (detect, ["--actions", "--alerts", "--rules", "--coverage"]),
             "benign": (benign, ["--alerts", "--rules", "--tag"]),
             "ruleset": (ruleset, ["--rules"])}
    if len(argv) < 2 or argv[1] not in modes:
        sys.exit(__doc__)
    fn, required = modes[argv[1]]
    args = parse(argv[2:])
    if any(not args.get(k) for k in required):
        sys.exit(__doc__)
    return fn(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
