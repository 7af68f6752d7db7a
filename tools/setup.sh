#!/usr/bin/env bash
# Installs every Debian package saker's build, tests, fuzzers and benchmarks
# need, so that a fresh machine needs nothing else. Needs root: run by
# another user it asks sudo, where there is one.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo -- "$0" "$@"
	fi
	echo "setup.sh: installing packages needs root, and this machine has no sudo" >&2
	exit 1
fi

pkgs=(
	build-essential cmake ninja-build pkg-config git
	clang llvm llvm-14-dev lld libclang-rt-14-dev
	libyaml-dev libxxhash-dev libjemalloc-dev zlib1g-dev libcurl4-openssl-dev
	libcmocka-dev libbenchmark-dev libpcre2-dev
	libbpf-dev bpftool linux-libc-dev libelf-dev libsystemd-dev
	python3
	libjson-c-dev libarchive-dev libssl-dev openssl curl docker-registry apache2-utils
	libmicrohttpd-dev prometheus systemd
	# the live detection suite (tests/detect): the tools its actions and its ordinary work run
	python3-yaml autoconf automake logrotate openssh-client openssh-server rsync curl wget
	iproute2 openssl e2fsprogs
	# container metadata (runtime/containers) and its runtimes' test (tests/containers)
	libgrpc-dev libprotobuf-c-dev protobuf-c-compiler docker.io podman containerd runc
	# the kernel module and its VM suite (tests/kmod)
	qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio kmod file
	# the outputs suite (tests/outputs)
	rsyslog
	# the plugins suite (tests/plugins): the C++ plugin SDK's examples, built with make
	g++ make
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
