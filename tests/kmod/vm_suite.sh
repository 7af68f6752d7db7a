#!/bin/sh
# The driver-consistency suite inside the VM (run by vm_run.sh's init, as
# root, on Debian's kernel): the probe-events scenarios with the probe and
# with the kernel module, their streams compared event by event; the drop
# counters of both drivers under a storm into small rings; the module's
# faults; saker's alerts on the same actions with either driver; the
# overhead benchmark. Prints `N passed, N failed` over its stages last.
P=$BUILD/tests
KO=/saker/saker.ko
pass=0
fail=0
t0=$(date +%s)
say() { echo "vm-suite: $*"; }
stage() {
	t=$(($(date +%s) - t0))
	if [ "$2" -eq 0 ]; then pass=$((pass + 1)); say "PASS $1 (${t}s)"; else fail=$((fail + 1)); say "FAIL $1 (${t}s)"; fi
	t0=$(date +%s)
}
indent() { sed "s/^/vm-suite:   /"; }

say "kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, BTF $(ls /sys/kernel/btf/vmlinux 2>/dev/null)"
cd /tmp

# 1. the same scenarios with each driver, recorded, then compared. The
# scenarios' own threads race with each other and with the readers, so a
# comparison that fails is recorded and compared once more: a difference
# of the drivers shows in both, a one-off is printed and named as such.
record() {	# record DRIVER: runs the scenarios with it into /tmp/DRIVER.scap
	rm -rf /tmp/saker-cmp
	SAKER_TEST_DRIVER=$1 SAKER_TEST_KMOD=$KO SAKER_TEST_DIR=/tmp/saker-cmp \
		SAKER_TEST_RECORD=/tmp/$1.scap timeout 300 $P/test_probe_events >/tmp/$1.out 2>&1
}
for d in modern_ebpf kmod; do
	record $d
	rc=$?
	grep -E "PASSED|FAILED|ERROR" /tmp/$d.out | indent
	stage "probe-events scenarios with $d" $rc
done
timeout 300 $P/saker_drv_compare /tmp/modern_ebpf.scap /tmp/kmod.scap >/tmp/cmp.out 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	say "the streams differed; the first comparison:"
	grep "FAIL" /tmp/cmp.out | indent
	say "recorded and compared once more:"
	record modern_ebpf && record kmod &&
		timeout 300 $P/saker_drv_compare /tmp/modern_ebpf.scap /tmp/kmod.scap >/tmp/cmp.out 2>&1
	rc=$?
fi
stage "event streams of the two drivers compared" $rc
indent </tmp/cmp.out

# 2. drops counted exactly with small rings
for d in modern_ebpf kmod; do
	SAKER_TEST_DRIVER=$d SAKER_TEST_KMOD=$KO timeout 300 $P/test_probe_drops >/tmp/drops.out 2>&1
	rc=$?
	grep -E "seen|PASSED|FAILED|ERROR" /tmp/drops.out | indent
	stage "drop counters of $d under a storm" $rc
done

# 3. the module's faults
timeout 300 $P/saker_kmod_faults $KO /saker/saker-other.ko >/tmp/faults.out 2>&1
rc=$?
grep -vE "^\[ RUN" /tmp/faults.out | indent
stage "kernel module faults" $rc

# 4. saker's alerts with each driver on the same actions
mkdir -p /var/log /usr/local/bin
echo "root:*:19000:0:99999:7:::" >/etc/shadow
act() {
	echo x >/etc/saker-alert-conf
	cat /etc/shadow >/dev/null
	echo x >/tmp/saker-suid && chmod u+s /tmp/saker-suid
	echo log >/var/log/saker-alert.log && : >/var/log/saker-alert.log
	echo x >/usr/local/bin/saker-alert-bin
	rm -f /etc/saker-alert-conf /tmp/saker-suid /usr/local/bin/saker-alert-bin \
		/var/log/saker-alert.log
}
for d in modern_ebpf kmod; do
	: >/tmp/saker-$d.err
	$BUILD/saker -o engine.kind=$d -o engine.kmod.module=$KO -o json_output=true \
		>/tmp/alerts-$d.json 2>/tmp/saker-$d.err &
	pid=$!
	n=0
	while ! grep -q "watching this machine" /tmp/saker-$d.err && [ $n -lt 600 ]; do
		sleep 0.1; n=$((n + 1))
	done
	act
	sleep 1
	kill -INT $pid
	wait $pid
	rc=$?
	grep -E "watching|^events:|^saker:" /tmp/saker-$d.err | indent
	# each alert as its rule and the file it names
	while read -r line; do
		r=$(echo "$line" | sed -n 's/.*"rule":"\([^"]*\)".*/\1/p')
		f=$(echo "$line" | sed -n 's/.*"fd.name":"\([^"]*\)".*/\1/p')
		[ -n "$f" ] || f=$(echo "$line" | sed -n 's/.*"fs.path.name":"\([^"]*\)".*/\1/p')
		echo "$r: $f"
	done </tmp/alerts-$d.json | sort | uniq -c >/tmp/rules-$d.txt
	say "  alerts of saker with $d:"
	indent </tmp/rules-$d.txt
	[ -s /tmp/rules-$d.txt ] || rc=1
	stage "saker raises alerts with $d" $rc
done
cmp -s /tmp/rules-modern_ebpf.txt /tmp/rules-kmod.txt
stage "the same alerts with either driver" $?

# 5. what each driver costs a syscall (the overhead benchmark)
if [ -x "$BUILD/saker-bench" ]; then
	echo saker-vm >/etc/hostname
	SAKER_BENCH_KMOD=$KO timeout 400 $BUILD/saker-bench \
		--benchmark_filter='probe_(getppid|openclose)_(none|saker)' \
		--benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
		--benchmark_min_time=0.2 2>&1 | grep -E "^probe_.*median|error|skip" | indent
	stage "overhead benchmark" $?
fi

say "$pass passed, $fail failed"
[ $fail -eq 0 ]
