#!/usr/bin/env bash
# The driver-consistency suite, host side: boots Debian's kernel (the one
# saker's module was built for) under qemu with TCG (never KVM: nested KVM
# hangs on the machines this runs on), from an initramfs holding busybox,
# saker, the module, the test programs and the shared libraries they load,
# runs tests/kmod/vm_suite.sh inside it and reports what it printed.
# Exit 77 (skipped) when root, qemu, the module or the kernel is missing.
#   vm_run.sh BUILD_DIR [KEEP_DIR]
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "skipped: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root (to build the initramfs as the VM's root)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (qemu-system-x86)"
[ -f "$build/kmod/saker.ko" ] || skip "the kernel module was not built (linux-headers-amd64 missing)"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" | grep -q "statically linked" ||
	skip "a static busybox is needed (busybox-static)"
kver=$(modinfo -F vermagic "$build/kmod/saker.ko" | cut -d' ' -f1)
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || skip "$kernel is missing (linux-image-amd64 of the headers the module was built with)"

work=$(mktemp -d /tmp/saker-kmod-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,lib,lib64,usr,proc,sys,dev,tmp,saker,etc}
cp "$busybox" "$root/bin/busybox"
for a in sh mount mkdir ip poweroff cat grep rm ls echo sleep insmod rmmod kill wc head \
	cut tr sed seq env date uname chmod mknod sort uniq cmp timeout dmesg; do
	ln -sf busybox "$root/bin/$a"
done
# programs (and every library they load), copied to the same paths
progs=("$build/saker" "$build/tests/test_probe_events" "$build/tests/test_probe_drops"
	"$build/tests/saker_kmod_faults" "$build/tests/saker_drv_compare" /usr/bin/true)
[ -x "$build/saker-bench" ] && progs+=("$build/saker-bench")
for p in "${progs[@]}"; do
	mkdir -p "$root$(dirname "$p")"
	cp "$p" "$root$p"
	for l in $(ldd "$p" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$l")"
		[ -e "$root$l" ] || cp -L "$l" "$root$l"
	done
done
ln -sf /usr/bin/true "$root/bin/true"
cp "$build/kmod/saker.ko" "$root/saker/saker.ko"
cp "$build/kmod-other/saker.ko" "$root/saker/saker-other.ko"
cp "$src/tests/kmod/vm_suite.sh" "$root/saker/"
mkdir -p "$root$src/rules"
cp "$src/rules/saker_rules.yaml" "$root$src/rules/"
# the official rules the overhead benchmark runs saker with
shared=$(sed -n 's/^SAKER_SHARED_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
if [ -d "$shared/falco/rules" ]; then
	mkdir -p "$root$shared/falco/rules"
	cp "$shared"/falco/rules/falco*_rules.yaml "$root$shared/falco/rules/"
fi
cat > "$root/init" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
ip link set lo up
export PATH=/bin:/usr/bin BUILD=$build SRC=$src
sh /saker/vm_suite.sh
echo "vm-suite-exit: \$?"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 > "$work/initrd.gz")

log=${2:-$work}/vm.log
mkdir -p "$(dirname "$log")"
echo "booting $kernel under qemu (TCG), initramfs $(du -h "$work/initrd.gz" | cut -f1)"
timeout 900 qemu-system-x86_64 -accel tcg -cpu max -m 3072 -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet norandmaps panic=-1 oops=panic" </dev/null >"$log" 2>&1 || true
tr -d '\r' <"$log" | grep -v "^\s*$" | sed -n '/^vm-suite:/,$p' | sed 's/^vm-suite: //'
status=$(tr -d '\r' <"$log" | sed -n 's/^vm-suite-exit: //p' | tail -1)
if [ -z "$status" ]; then
	echo "the VM did not finish the suite; its console:"
	tr -d '\r' <"$log" | tail -40
	exit 1
fi
exit "$status"
