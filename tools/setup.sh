#!/usr/bin/env bash
# Installs every Debian package saker's build, tests, fuzzers and benchmarks
# need, so that a fresh machine needs nothing else. Run as root.
set -euo pipefail

pkgs=(
	build-essential cmake ninja-build pkg-config git
	clang llvm llvm-14-dev lld libclang-rt-14-dev
	libyaml-dev libxxhash-dev libjemalloc-dev zlib1g-dev libcurl4-openssl-dev
	libcmocka-dev libbenchmark-dev libpcre2-dev
	libbpf-dev bpftool linux-libc-dev libelf-dev libsystemd-dev
	python3
	openssl rsyslog
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
