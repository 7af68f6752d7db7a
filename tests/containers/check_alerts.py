#!/usr/bin/env python3
"""Checks the alerts of test_containers.sh against what the runtimes say.

live DIR    the marker alerts of each container (alerts.json) against
            docker inspect, podman inspect and ctr c info (the files the
            test saved), and the official rules that need runtime metadata
replay DIR  the replay's alerts (replay.json) equal the live ones

Prints each problem; exits 1 when there is one."""
import json
import os
import sys

PROBLEMS = []


def problem(msg):
    PROBLEMS.append(msg)
    print("  " + msg)


def alerts(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                out.append(json.loads(line))
    return out


def norm(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def split_image(image):
    """Falco's split of an image reference: repository (with the registry), tag, digest."""
    host, rem = "", image
    if "/" in image:
        host, rem = image.split("/", 1)
        host += "/"
    tag = digest = ""
    if "@" in rem:
        rem, digest = rem.split("@", 1)
    if ":" in rem:
        rem, tag = rem.split(":", 1)
    return host + rem, tag, digest


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def mounts_text(mounts):
    return ",".join("%s:%s:%s:%s:%s" % (m["Source"], m["Destination"], m.get("Mode", ""),
                                         "true" if m.get("RW") else "false", m.get("Propagation", ""))
                    for m in mounts)


def docker_like(ins, typ, label):
    cfg, hc = ins["Config"], ins["HostConfig"]
    img = cfg["Image"]
    repo, tag, _ = split_image(img)
    image_id = ins["Image"].split(":", 1)[-1]
    ip = (ins.get("NetworkSettings") or {}).get("IPAddress") or "0.0.0.0"
    etc = [m["Destination"] for m in ins.get("Mounts") or [] if m["Source"] == "/etc"]
    exp = {
        "container.id": ins["Id"][:12], "container.full_id": ins["Id"],
        "container.name": ins["Name"].lstrip("/"), "container.type": typ,
        "container.image": img, "container.image.id": image_id,
        "container.image.repository": repo, "container.image.tag": tag or "latest",
        "container.privileged": norm(bool(hc.get("Privileged"))),
        "container.host_pid": norm(hc.get("PidMode") == "host"),
        "container.host_network": norm(hc.get("NetworkMode") == "host"),
        "container.host_ipc": norm(hc.get("IpcMode") == "host"),
        "container.mounts": mounts_text(ins.get("Mounts") or []),
        "container.mount.dest[/etc]": etc[0] if etc else None,
        "container.label[saker.test]": (cfg.get("Labels") or {}).get("saker.test"),
        "k8s.pod.name": None, "k8s.ns.name": None,
    }
    if typ == "docker":
        exp["container.ip"] = ip
    return exp


def containerd_like(info, digest, sandbox=None):
    labels = info.get("Labels") or {}
    spec = info.get("Spec") or {}
    repo, tag, _ = split_image(info["Image"])
    prop = (spec.get("linux") or {}).get("rootfsPropagation", "")
    mounts = []
    etc = None
    for m in spec.get("mounts") or []:
        opts = m.get("options") or []
        mode = next((o[5:] for o in opts if o.startswith("mode=")), "")
        mounts.append("%s:%s:%s:%s:%s" % (m.get("source", ""), m.get("destination", ""), mode,
                                          "false" if "ro" in opts else "true", prop))
        if etc is None and m.get("source") == "/etc":
            etc = m.get("destination")
    exp = {
        "container.id": info["ID"][:12], "container.full_id": info["ID"],
        "container.name": labels.get("io.kubernetes.container.name"),
        "container.type": "containerd", "container.image": info["Image"],
        "container.image.repository": repo, "container.image.tag": tag,
        "container.image.digest": digest, "container.mounts": ",".join(mounts),
        "container.mount.dest[/etc]": etc,
        "container.label[saker.test]": labels.get("saker.test"),
    }
    ann = spec.get("annotations") or {}
    sb = ann.get("io.kubernetes.cri.sandbox-id")
    if sb and sandbox:
        pod = {k: v for k, v in (sandbox.get("Labels") or {}).items()
               if not k.startswith("io.cri-containerd.") and not k.startswith("io.containerd.")}
        exp.update({
            "k8s.pod.name": labels.get("io.kubernetes.pod.name"),
            "k8s.ns.name": labels.get("io.kubernetes.pod.namespace"),
            "k8s.pod.uid": labels.get("io.kubernetes.pod.uid"),
            "k8s.pod.sandbox_id": sb[:12], "k8s.pod.full_sandbox_id": sb,
            "k8s.pod.label[app]": pod.get("app"),
            "k8s.pod.labels": ", ".join("%s:%s" % (k, pod[k]) for k in sorted(pod)),
        })
    else:
        exp.update({"k8s.pod.name": None, "k8s.ns.name": None})
    return exp


def marker_alerts(al):
    by_id = {}
    for a in al:
        if a.get("rule") == "Container marker read":
            by_id.setdefault(a["output_fields"].get("container.id"), []).append(a["output_fields"])
    return by_id


def compare(name, got, exp):
    for k, v in exp.items():
        if norm(got.get(k)) != v:
            problem("%s: %s is %r, the runtime says %r" % (name, k, got.get(k), v))


def check_live(d):
    al = alerts(os.path.join(d, "alerts.json"))
    by_id = marker_alerts(al)
    digest = None
    with open(os.path.join(d, "images-k8s.txt")) as f:
        for line in f:
            if line.startswith("docker.io/saker-test/busybox:3.0"):
                digest = line.split()[2]
    expected = {}
    for n in ("d-caps", "d-host", "d-trusted"):
        ins = load(d, "inspect-docker-%s.json" % n)
        if ins:
            expected[n] = docker_like(ins[0], "docker", n)
    for n in ("p-one", "p-back"):
        ins = load(d, "inspect-podman-%s.json" % n)
        if ins:
            expected[n] = docker_like(ins[0], "podman", n)
    info = load(d, "inspect-ctr-default.json")
    if info:
        expected["ctr-default"] = containerd_like(info, digest)
    info, sb = load(d, "inspect-ctr-k8s.json"), load(d, "inspect-ctr-sandbox.json")
    if info:
        expected["k8s"] = containerd_like(info, digest, sb)
    if len(expected) != 7:
        problem("the runtimes' descriptions: %d of 7 saved" % len(expected))
    for name, exp in expected.items():
        got = by_id.get(exp["container.id"])
        if not got:
            problem("%s (%s): no marker alert" % (name, exp["container.id"]))
            continue
        # the last read comes seconds after the start: described by then
        compare(name, got[-1], exp)
    # a container made while its runtime was down reads its id and nothing else
    down = load(d, "inspect-podman-p-down.json")
    if down:
        got = by_id.get(down[0]["Id"][:12])
        if not got:
            problem("p-down: no marker alert")
        elif any(g.get("container.name") or g.get("container.type") for g in got):
            problem("p-down: described while its runtime was down: %r" % got)
    if os.environ.get("OFFICIAL") == "1":
        # the rules fire on the first process's exec (container_started); its
        # last, `sleep N`, comes once the runtime has described the container
        fired, fired_late = {}, {}
        for a in al:
            cmd = a["output_fields"].get("proc.cmdline") or ""
            fired.setdefault(a.get("rule"), set()).add(cmd.split(" ")[-1])
            if not cmd.startswith("sh "):  # busybox's `exec sleep N` reads "exe N"
                fired_late.setdefault(a.get("rule"), set()).add(cmd.split(" ")[-1])
        sleeps = {"d-caps": "61", "d-host": "62", "p-one": "63", "ctr-default": "64", "k8s": "65"}
        for rule, names, want in (
                ("Launch Sensitive Mount Container", ("d-caps", "p-one", "k8s"), True),
                ("Launch Excessively Capable Container", ("d-caps",), True),
                ("Launch Excessively Capable Container", ("d-host", "p-one", "ctr-default"), False)):
            for n in names:
                if (sleeps[n] in fired.get(rule, set())) != want:
                    problem("%s %s for %s" % (rule, "did not fire" if want else "fired", n))
        # an exception on the image's repository: the sensitive mount of an
        # image the rules trust is let through once the runtime has said
        # which image it is (the first exec may come before: Falco's case too)
        rule = "Launch Sensitive Mount Container"
        if "61" not in fired_late.get(rule, set()):
            problem("%s did not fire on d-caps's last exec" % rule)
        if "68" in fired_late.get(rule, set()):
            problem("%s fired on d-trusted's last exec (image sysdig/sysdig)" % rule)


def check_replay(d):
    live = [(a["rule"], a["time"], a["output"]) for a in alerts(os.path.join(d, "alerts.json"))]
    rep = [(a["rule"], a["time"], a["output"]) for a in alerts(os.path.join(d, "replay.json"))]
    lm = [x for x in live if x[0] == "Container marker read"]
    rm = [x for x in rep if x[0] == "Container marker read"]
    if not lm or lm != rm:
        problem("marker alerts: %d live, %d in the replay, equal: %s" % (len(lm), len(rm), lm == rm))
        for a, b in zip(lm, rm):
            if a != b:
                problem("first difference:\n    live   %s\n    replay %s" % (a[2], b[2]))
                break
    for rule in ("Launch Sensitive Mount Container", "Launch Excessively Capable Container"):
        nl = sum(1 for x in live if x[0] == rule)
        nr = sum(1 for x in rep if x[0] == rule)
        if nl != nr:
            problem("%s: %d live, %d in the replay" % (rule, nl, nr))


def main():
    mode, d = sys.argv[1], sys.argv[2]
    (check_live if mode == "live" else check_replay)(d)
    sys.exit(1 if PROBLEMS else 0)


if __name__ == "__main__":
    main()
