#!/usr/bin/env python3
"""Test helper: publishes artifacts to an OCI registry through its HTTP API
the way falcoctl lays them out (a config layer of the artifact's media type,
one gzip'd tar layer titled with the file name), and signs them as cosign
stores signatures (a simple-signing payload layer with the signature
annotation, under the tag sha256-<hex>.sig), with keys made by openssl.

usage: oci_push.py --registry HOST:PORT --ca CA --user U:P COMMAND ...
  push REPO TAG FILE [--type rulesfile|plugin] [--name N] [--version V]
       [--req NAME:VERSION]... [--dep NAME:VERSION]...     prints the digest
  sign REPO DIGEST KEY_PEM                                 cosign signature
  copy-sig REPO FROM_DIGEST TO_DIGEST                      sig of one on another
  tag REPO DIGEST TAG                                      point TAG at DIGEST
  tgz FILE OUT                                             a falcoctl-style tar.gz
"""
import argparse, base64, hashlib, io, json, ssl, subprocess, sys, tarfile, tempfile
import urllib.request, urllib.error

MEDIA = {
    "rulesfile": ("application/vnd.cncf.falco.rulesfile.config.v1+json",
                  "application/vnd.cncf.falco.rulesfile.layer.v1+tar.gz"),
    "plugin": ("application/vnd.cncf.falco.plugin.config.v1+json",
               "application/vnd.cncf.falco.plugin.layer.v1+tar.gz"),
}
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


class Registry:
    def __init__(self, host, ca, user):
        self.base = "https://%s/v2/" % host
        self.host = host
        self.ctx = ssl.create_default_context(cafile=ca)
        self.auth = "Basic " + base64.b64encode(user.encode()).decode()

    def req(self, method, path, data=None, headers=None):
        url = path if path.startswith("http") else self.base + path
        r = urllib.request.Request(url, data=data, method=method)
        r.add_header("Authorization", self.auth)
        for k, v in (headers or {}).items():
            r.add_header(k, v)
        with urllib.request.urlopen(r, context=self.ctx, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()

    def blob(self, repo, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        _, h, _ = self.req("POST", "%s/blobs/uploads/" % repo, data=b"")
        loc = h["Location"]
        if not loc.startswith("http"):
            loc = "https://" + self.host + loc
        loc += ("&" if "?" in loc else "?") + "digest=" + digest
        self.req("PUT", loc, data=data, headers={"Content-Type": "application/octet-stream"})
        return {"digest": digest, "size": len(data)}

    def manifest(self, repo, ref, doc):
        raw = doc if isinstance(doc, bytes) else json.dumps(doc, separators=(",", ":")).encode()
        self.req("PUT", "%s/manifests/%s" % (repo, ref), data=raw,
                 headers={"Content-Type": MANIFEST})
        return "sha256:" + hashlib.sha256(raw).hexdigest()

    def get_manifest(self, repo, ref):
        _, _, body = self.req("GET", "%s/manifests/%s" % (repo, ref),
                              headers={"Accept": MANIFEST})
        return body


def tgz(path, name=None):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as t:
        t.add(path, arcname=name or path.rsplit("/", 1)[-1])
    return out.getvalue()


def pair(s):
    n, v = s.split(":", 1)
    return {"name": n, "version": v}


def push(reg, a):
    cfg_media, layer_media = MEDIA[a.type]
    fname = a.file.rsplit("/", 1)[-1]
    layer = tgz(a.file)
    cfg = {"name": a.name or fname, "version": a.version or a.tag}
    if a.dep:
        cfg["dependencies"] = [pair(d) for d in a.dep]
    if a.req:
        cfg["requirements"] = [pair(r) for r in a.req]
    c = reg.blob(a.repo, json.dumps(cfg).encode())
    l = reg.blob(a.repo, layer)
    doc = {"schemaVersion": 2, "mediaType": MANIFEST,
           "config": dict(mediaType=cfg_media, **c),
           "layers": [dict(mediaType=layer_media, annotations={
               "org.opencontainers.image.title": fname + ".tar.gz"}, **l)]}
    print(reg.manifest(a.repo, a.tag, doc))


def sign(reg, a):
    payload = json.dumps({"critical": {
        "identity": {"docker-reference": "%s/%s" % (reg.host, a.repo)},
        "image": {"docker-manifest-digest": a.digest},
        "type": "cosign container image signature"}, "optional": None}).encode()
    with tempfile.NamedTemporaryFile() as f:
        f.write(payload)
        f.flush()
        kind = subprocess.run(["openssl", "pkey", "-in", a.key, "-noout", "-text"],
                              capture_output=True, check=True).stdout
        if b"ED25519" in kind:
            cmd = ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", a.key, "-in", f.name]
        else:
            cmd = ["openssl", "dgst", "-sha256", "-sign", a.key, f.name]
        sig = subprocess.run(cmd, capture_output=True, check=True).stdout
    p = reg.blob(a.repo, payload)
    c = reg.blob(a.repo, b"{}")
    doc = {"schemaVersion": 2, "mediaType": MANIFEST,
           "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **c),
           "layers": [dict(mediaType="application/vnd.dev.cosign.simplesigning.v1+json",
                           annotations={"dev.cosignproject.cosign/signature":
                                        base64.b64encode(sig).decode()}, **p)]}
    reg.manifest(a.repo, "sha256-%s.sig" % a.digest.split(":")[1], doc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry")
    ap.add_argument("--ca")
    ap.add_argument("--user")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("push")
    for k in ("repo", "tag", "file"):
        p.add_argument(k)
    p.add_argument("--type", default="rulesfile")
    p.add_argument("--name")
    p.add_argument("--version")
    p.add_argument("--req", action="append")
    p.add_argument("--dep", action="append")
    p = sub.add_parser("sign")
    for k in ("repo", "digest", "key"):
        p.add_argument(k)
    p = sub.add_parser("copy-sig")
    for k in ("repo", "src", "dst"):
        p.add_argument(k)
    p = sub.add_parser("tag")
    for k in ("repo", "digest", "tag"):
        p.add_argument(k)
    p = sub.add_parser("tgz")
    for k in ("file", "out"):
        p.add_argument(k)
    a = ap.parse_args()
    if a.cmd == "tgz":
        open(a.out, "wb").write(tgz(a.file))
        return
    reg = Registry(a.registry, a.ca, a.user)
    if a.cmd == "push":
        push(reg, a)
    elif a.cmd == "sign":
        sign(reg, a)
    elif a.cmd == "copy-sig":
        body = reg.get_manifest(a.repo, "sha256-%s.sig" % a.src.split(":")[1])
        reg.manifest(a.repo, "sha256-%s.sig" % a.dst.split(":")[1], body)
    elif a.cmd == "tag":
        reg.manifest(a.repo, a.tag, reg.get_manifest(a.repo, a.digest))


if __name__ == "__main__":
    try:
        main()
    except urllib.error.HTTPError as e:
        sys.exit("oci_push: %s %s: %s" % (e.code, e.url, e.read()[:300]))
