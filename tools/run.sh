#!/usr/bin/env bash
# The main job: builds saker if needed, then watches this machine with
# saker's own ruleset (rules/saker_rules.yaml) when it can load its probe
# (root and a BTF kernel); otherwise says why and replays the capture that
# ships with saker (recorded from its live detection suite) instead.
# Run by another user, it asks sudo for root where sudo needs no password.
# Extra arguments go to saker (-M SECONDS, -o json_output=true, -r FILE ...).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	exec sudo -n -- "$PWD/tools/run.sh" "$@"
fi
if [ ! -x build/saker ]; then
	cmake -S . -B build -G Ninja >/dev/null
	cmake --build build --target saker
fi
if [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ]; then
	exec build/saker "$@"
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: not root, so saker cannot load its probe; replaying a capture instead" >&2
else
	echo "run.sh: this kernel has no BTF, so saker cannot load its probe; replaying a capture instead" >&2
fi
exec build/saker -e tests/data/live_suite.scap.gz "$@"
