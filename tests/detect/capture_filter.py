#!/usr/bin/env python3
"""Keeps in a capture written by saker -w only the events of one process
tree: the process whose event first carries MARKER (a path it opened) and
its descendants and threads, as the child's side of the capture's clone,
fork and vfork events tells them (its tid, and the pid and parent pid it was
given, all as the host numbers them: the parent's side returns the child's
number in the parent's pid namespace).
The other blocks (section header, machine, users, the process and fd lists)
are kept as they are. Used to record tests/data/live_suite.scap.gz: the
probe sees the whole machine, the suite wants its own processes only.

usage: capture_filter.py EVENTS_DEF IN.scap.gz OUT.scap.gz MARKER

EVENTS_DEF is bpf/shared/events.def, where the event codes come from. Reads
the block layout saker's writer uses (runtime/scap_write.c): type, total
length, body, padding, total length; event blocks carry a cpu (u16) and
flags (u32) before the event, whose header is ts (u64), tid (u64), len
(u32), type (u16), nparams (u32), then the parameter lengths."""
import gzip
import re
import struct
import sys

EVF_TYPES = (0x217, 0x222)	# EVF_V2, EVF_V2_LARGE
EV_HEADER = struct.Struct("<QQIHI")
CLONE_CALLS = ("clone", "clone3", "fork", "vfork")


def clone_exit_codes(events_def):
    """Exit codes of the clone family -> whether their lengths are u32."""
    codes = {}
    ev = re.compile(r'^EV\((\d+),\s*\w+,\s*"(\w+)",\s*EVD_EXIT,\s*([^,]+),')
    with open(events_def, encoding="utf-8") as f:
        for line in f:
            m = ev.match(line)
            if m and m.group(2) in CLONE_CALLS:
                codes[int(m.group(1))] = "EVF_LARGE_PAYLOAD" in m.group(3)
    if not codes:
        sys.exit(f"{events_def}: no clone events found")
    return codes


def blocks(data):
    off = 0
    while off + 12 <= len(data):
        btype, total = struct.unpack_from("<II", data, off)
        if total < 12 or off + total > len(data):
            sys.exit(f"block at offset {off}: length {total} runs past the end")
        yield btype, data[off:off + total]
        off += total
    if off != len(data):
        sys.exit(f"{len(data) - off} trailing bytes at offset {off}")


def event_of(block):
    """(tid, type, event bytes) of an event block."""
    ev = block[8 + 6:]
    _, tid, _, etype, _ = EV_HEADER.unpack_from(ev, 0)
    return tid, etype, ev


def child_side(ev, large):
    """(pid, ptid) a new task was given, from the child's side of a clone
    (res 0, then exe, args, tid, pid, ptid), else None."""
    nparams = EV_HEADER.unpack_from(ev, 0)[4]
    if nparams < 6:
        return None
    width, fmt = (4, "<I") if large else (2, "<H")
    lens = [struct.unpack_from(fmt, ev, EV_HEADER.size + i * width)[0] for i in range(6)]
    off = EV_HEADER.size + nparams * width
    if struct.unpack_from("<q", ev, off)[0] != 0:
        return None
    off += lens[0] + lens[1] + lens[2] + lens[3]
    pid = struct.unpack_from("<q", ev, off)[0]
    ptid = struct.unpack_from("<q", ev, off + lens[4])[0]
    return pid, ptid


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    clones = clone_exit_codes(argv[1])
    with gzip.open(argv[2], "rb") as f:
        data = f.read()
    marker = argv[4].encode()
    root, children = None, {}
    for btype, b in blocks(data):
        if btype not in EVF_TYPES:
            continue
        tid, etype, ev = event_of(b)
        if root is None and marker in ev:
            root = tid
        if etype in clones:
            ids = child_side(ev, clones[etype])
            for parent in ids or ():
                if parent != tid:
                    children.setdefault(parent, set()).add(tid)
    if root is None:
        sys.exit(f"{argv[2]}: no event carries {argv[4]}")
    keep, todo = {root}, [root]
    while todo:
        for c in children.get(todo.pop(), ()):
            if c not in keep:
                keep.add(c)
                todo.append(c)
    kept = dropped = 0
    with gzip.open(argv[3], "wb") as out:
        for btype, b in blocks(data):
            if btype in EVF_TYPES:
                if event_of(b)[0] not in keep:
                    dropped += 1
                    continue
                kept += 1
            out.write(b)
    print(f"capture_filter: {kept} events of {len(keep)} threads kept, {dropped} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
