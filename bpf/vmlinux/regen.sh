#!/usr/bin/env bash
# Regenerates the checked-in vmlinux.h of an architecture from a kernel's
# BTF (the running kernel's by default). The probe is built against these
# files, not against the build machine's kernel, so one object runs on
# every BTF kernel; layouts that differ between kernels are handled by the
# CO-RE alternatives of bpf/task_read.h, not by choosing a vmlinux.h.
#   bpf/vmlinux/regen.sh x86|arm64 [BTF_FILE]
set -euo pipefail
arch=${1:?usage: regen.sh x86|arm64 [BTF_FILE]}
btf=${2:-/sys/kernel/btf/vmlinux}
out=$(dirname "$0")/$arch/vmlinux.h
mkdir -p "$(dirname "$out")"
bpftool btf dump file "$btf" format c > "$out"
echo "wrote $out from $btf"
