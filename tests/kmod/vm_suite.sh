#!/bin/sh
# The driver-consistency suite, inside the VM (run by vm_run.sh's init).
echo "vm-suite: kernel $(uname -r)"
cd /tmp
SAKER_TEST_DRIVER=modern_ebpf $BUILD/tests/test_probe_events 2>&1 | sed 's/^/vm-suite: probe: /'
SAKER_TEST_DRIVER=kmod SAKER_TEST_KMOD=/saker/saker.ko $BUILD/tests/test_probe_events 2>&1 | sed 's/^/vm-suite: kmod: /'
exit 0
