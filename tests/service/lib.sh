# Helpers of the service tests (sourced): root and tool checks that skip
# (exit 77) with the reason, free loopback ports, saker started live in the
# background and stopped by its pid, a scratch folder removed at exit.
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
SAKER=$BUILD/saker
TMP=$(mktemp -d /tmp/saker-svc-XXXXXX)
PIDS=()
KEEP=${KEEP_TMP:-}
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	[ -n "$KEEP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (the live probe)"
	[ -r /sys/kernel/btf/vmlinux ] || skip "the kernel has no BTF"
}
need_tool() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed (tools/setup.sh)"; }
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
# A rules file with one rule on opens of $TMP/marker*.
marker_rules() {
	cat > "$TMP/rules.yaml" <<RULES
- rule: Service test marker opened
  desc: a marker file of the service test was opened
  condition: evt.type in (open, openat, openat2) and evt.dir=< and fd.name startswith $TMP/marker
  output: marker opened (file=%fd.name)
  priority: WARNING
  tags: [saker_test, T0000]
RULES
}
# Starts saker live with the arguments; waits until it watches (its
# stderr in $TMP/saker.err, stdout in $TMP/saker.out).
start_saker() {
	"$SAKER" "$@" > "$TMP/saker.out" 2> "$TMP/saker.err" &
	SAKER_PID=$!
	PIDS+=("$SAKER_PID")
	for _ in $(seq 1 300); do
		grep -q "watching this machine" "$TMP/saker.err" && return 0
		kill -0 "$SAKER_PID" 2>/dev/null || { cat "$TMP/saker.err" >&2; fail "saker exited"; }
		sleep 0.1
	done
	cat "$TMP/saker.err" >&2
	fail "saker did not start watching"
}
stop_saker() {
	kill -INT "$SAKER_PID"
	wait "$SAKER_PID" || fail "saker exited with $?"
}
