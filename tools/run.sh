#!/usr/bin/env bash
# The main job: builds saker if needed, then watches this machine with
# Falco's official rules files when it can load its probe (root and a BTF
# kernel); otherwise says why and replays a bundled capture instead.
# Extra arguments go to saker (-M SECONDS, -o json_output=true, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SAKER_SHARED_DIR:-../shared}
if [ ! -x build/saker ]; then
	cmake -S . -B build -G Ninja >/dev/null
	cmake --build build --target saker
fi
rules=(-r "$shared/falco/rules/falco_rules.yaml"
	-r "$shared/falco/rules/falco-incubating_rules.yaml"
	-r "$shared/falco/rules/falco-sandbox_rules.yaml")
if [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ]; then
	exec build/saker "${rules[@]}" "$@"
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: not root, so saker cannot load its probe; replaying a capture instead" >&2
else
	echo "run.sh: this kernel has no BTF, so saker cannot load its probe; replaying a capture instead" >&2
fi
exec build/saker "${rules[@]}" -e "$shared/falco/captures/curl_google.scap" "$@"
