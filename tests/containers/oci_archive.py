#!/usr/bin/env python3
"""Writes an OCI image archive (oci-layout, index.json, blobs) of one layer,
the root filesystem tarball given, for `ctr image import`: containerd's
images made offline. Usage: oci_archive.py ROOTFS.tar IMAGE-NAME OUT.tar"""
import hashlib
import io
import json
import sys
import tarfile


def blob(tf, data):
    digest = hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo("blobs/sha256/" + digest)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))
    return "sha256:" + digest


def main():
    rootfs, name, out = sys.argv[1:4]
    layer = open(rootfs, "rb").read()
    with tarfile.open(out, "w") as tf:
        layer_digest = blob(tf, layer)
        config = json.dumps({
            "architecture": "amd64", "os": "linux",
            "config": {"Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        }).encode()
        config_digest = blob(tf, config)
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": config_digest, "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": layer_digest, "size": len(layer)}],
        }).encode()
        manifest_digest = blob(tf, manifest)
        index = json.dumps({
            "schemaVersion": 2,
            "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "digest": manifest_digest, "size": len(manifest),
                           "annotations": {"io.containerd.image.name": name,
                                           "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]}}],
        }).encode()
        for fname, data in (("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", index)):
            info = tarfile.TarInfo(fname)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main()
