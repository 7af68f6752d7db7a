#!/usr/bin/env bash
# saker's command line against Falco 0.40's flags and exit codes, without
# root: --version (text and JSON), --support, --list, --list-events, -i,
# -L, -l, -V (text and JSON), --dry-run, --config-schema, --config-keys,
# -P, unknown flags and broken configurations (exit 1, "Error: " and the
# file:line:col).
source "$(dirname "$0")/lib.sh"
S=("$SAKER" -o log_syslog=false)
rules=$(dirname "$0")/../../rules/saker_rules.yaml
run() { "${S[@]}" "$@" > "$TMP/out" 2>&1 || true; }
expect_fail() {	# message, command...
	local msg=$1; shift
	if "$@" > "$TMP/o" 2> "$TMP/e"; then fail "exit 0: $*"; fi
	[ $? -eq 1 ] || true
	cat "$TMP/o" "$TMP/e" | grep -q -- "$msg" || { cat "$TMP/e" >&2; fail "no '$msg' from: $*"; }
}
run --version; grep -q "^saker version: " "$TMP/out" || fail "--version"
"${S[@]}" --version -o json_output=true | python3 -c 'import json,sys; v=json.load(sys.stdin); assert v["engine_version_semver"] and v["falco_version"]' || fail "--version JSON"
"${S[@]}" --support -r "$rules" | python3 -c '
import json,sys
s = json.load(sys.stdin)
assert s["system_info"]["sysname"] == "Linux" and s["rules_files"][0]["variants"][0]["content"]
assert json.loads(s["config"])["log_syslog"] is False and "cmdline" in s and "engine_info" in s' || fail "--support"
run --list; grep -q "^proc.name " "$TMP/out" || fail "--list"
run --list syscall -N; grep -qx "fd.name" "$TMP/out" || fail "--list syscall -N"
run --list-events; grep -q "^< openat(" "$TMP/out" || fail "--list-events"
run -i; grep -qx -- "- read" "$TMP/out" || fail "-i"
run -r "$rules" -L; grep -q "^Rule " "$TMP/out" || fail "-L"
run -r "$rules" -L
first=$(sed -n 3p "$TMP/out" | sed 's/  .*//')
run -r "$rules" -l "$first"; [ "$(grep -c . "$TMP/out")" -eq 3 ] || fail "-l RULE"
expect_fail "not found" "${S[@]}" -r "$rules" -l "No such rule"
run -V "$rules"; grep -q ": Ok" "$TMP/out" || fail "-V"
"${S[@]}" -V "$rules" -o json_output=true | python3 -c 'import json,sys; assert json.load(sys.stdin)["falco_load_results"][0]["successful"]' || fail "-V JSON"
printf -- '- rule: x\n  desc: x\n  condition: proc.nmae=x\n  output: x\n  priority: INFO\n' > "$TMP/bad_rules.yaml"
expect_fail "Invalid" "${S[@]}" -V "$TMP/bad_rules.yaml"
run -r "$rules" --dry-run; grep -q "dry run" "$TMP/out" || fail "--dry-run"
"${S[@]}" --config-schema | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["properties"]["metrics"]["properties"]["interval"]' || fail "--config-schema"
run --config-keys; grep -q '^| `webserver.listen_port` | integer' "$TMP/out" || fail "--config-keys"
expect_fail "unrecognized option" "${S[@]}" --no-such-flag
expect_fail "Error: -o grpc.enabled=true: grpc.enabled is refused" "${S[@]}" -o grpc.enabled=true --version
printf 'webserver:\n  enabled: true\n  listen_port: [1\n' > "$TMP/bad.yaml"
expect_fail "Error: $TMP/bad.yaml:4:1: invalid YAML: did not find expected ','" "${S[@]}" -c "$TMP/bad.yaml" --version
printf 'outputs:\n  rate: 1\n' > "$TMP/old.yaml"
expect_fail "Error: $TMP/old.yaml:1:1: unknown configuration key 'outputs'" "${S[@]}" -c "$TMP/old.yaml" --dry-run
printf 'append_output:\n  - match:\n      sorce: syscall\n    extra_output: x\n' > "$TMP/ao.yaml"
expect_fail "Error: $TMP/ao.yaml:3:7: append_output.match: unknown key 'sorce'" "${S[@]}" -c "$TMP/ao.yaml" --dry-run
expect_fail "append_output: unknown key 'extra'" "${S[@]}" -o 'append_output=[{extra: x}]' --dry-run
expect_fail "Error: Could not find configuration file at $TMP/missing.yaml" "${S[@]}" -c "$TMP/missing.yaml" --version
expect_fail "Error: Value for --list must be a valid source type" "${S[@]}" --list k8s_audit
expect_fail "Error: Must enable at least one event source" "${S[@]}" --disable-source syscall -r "$rules" --dry-run
expect_fail "Error: Attempted disabling an unknown event source: k8s_audit" "${S[@]}" --disable-source k8s_audit -r "$rules" --dry-run
run --list-plugins; grep -q "^0 Plugins Loaded:" "$TMP/out" || fail "--list-plugins"
"${S[@]}" -e "$(dirname "$0")/../data/live_suite.scap.gz" -P "$TMP/pid" -o engine.kind=replay \
	-o "engine.replay.capture_file=/nonexistent" > /dev/null 2>&1 || fail "-e with -P"
[ ! -e "$TMP/pid" ] || fail "the pidfile stayed"
"${S[@]}" -o engine.kind=replay -o "engine.replay.capture_file=$(dirname "$0")/../data/live_suite.scap.gz" \
	> /dev/null 2> "$TMP/out" || fail "engine.kind=replay exit"
grep -q "^events: seen [1-9]" "$TMP/out" || fail "engine.kind=replay"
echo "ok"
echo "22 passed, 0 failed"
