#!/usr/bin/env bash
# watch_config_files, live: a rules file added to a watched rules
# directory, then the configuration edited to name another directory, each
# reload the running saker on its own; opens of marker files go on all the
# while, and every one of them raises its alert (no event lost across the
# reloads, no drop). Then a key beyond the rules files changes: saker
# starts again with the new configuration.
source "$(dirname "$0")/lib.sh"
need_root
mkdir -p "$TMP/rules.d" "$TMP/more.d"
rule() {	# name, marker prefix
	printf -- '- rule: %s\n  desc: test\n  condition: evt.type in (open, openat, openat2) and evt.dir=< and fd.name startswith %s\n  output: %s (file=%%fd.name)\n  priority: WARNING\n' "$1" "$TMP/$2" "$1"
}
rule "Marker A" marker-a > "$TMP/rules.d/a.yaml"
cat > "$TMP/saker.yaml" <<CFG
watch_config_files: true
log_syslog: false
rules_files:
  - $TMP/rules.d
CFG
start_saker -c "$TMP/saker.yaml"
N=300
( for i in $(seq 1 $N); do : > "$TMP/marker-a-$i"; sleep 0.01; done ) &
opener=$!
sleep 0.5
rule "Marker B" marker-b > "$TMP/rules.d/b.yaml.tmp"
mv "$TMP/rules.d/b.yaml.tmp" "$TMP/rules.d/b.yaml"	# as editors save
for _ in $(seq 1 100); do grep -q "rules reloaded" "$TMP/saker.err" && break; sleep 0.1; done
grep -q "rules reloaded: 2 rules" "$TMP/saker.err" || { cat "$TMP/saker.err" >&2; fail "no reload after the rules file was added"; }
: > "$TMP/marker-b-1"
rule "Marker C" marker-c > "$TMP/more.d/c.yaml"
printf '  - %s\n' "$TMP/more.d" >> "$TMP/saker.yaml"
for _ in $(seq 1 100); do grep -q "rules reloaded: 3 rules" "$TMP/saker.err" && break; sleep 0.1; done
grep -q "rules reloaded: 3 rules" "$TMP/saker.err" || { cat "$TMP/saker.err" >&2; fail "no reload after the configuration changed"; }
: > "$TMP/marker-c-1"
# a configuration broken since keeps everything running
echo "json_output: [" >> "$TMP/saker.yaml"
for _ in $(seq 1 100); do grep -q "the running configuration and rules stay" "$TMP/saker.err" && break; sleep 0.1; done
grep -q "the running configuration and rules stay" "$TMP/saker.err" || fail "a broken configuration was not reported"
wait "$opener"
: > "$TMP/marker-c-2"
sleep 0.3
# a key beyond the rules files changed: saker starts again with it, as
# Falco does (the same process, so the same pid)
grep -v '^json_output' "$TMP/saker.yaml" > "$TMP/saker.yaml.new"
echo "json_output: true" >> "$TMP/saker.yaml.new"
mv "$TMP/saker.yaml.new" "$TMP/saker.yaml"
for _ in $(seq 1 200); do [ "$(grep -c "watching this machine" "$TMP/saker.err")" -ge 2 ] && break; sleep 0.1; done
grep -q "changed beyond its rules files: restarting with it" "$TMP/saker.err" ||
	{ cat "$TMP/saker.err" >&2; fail "no restart after json_output changed"; }
[ "$(grep -c "watching this machine" "$TMP/saker.err")" -ge 2 ] || { cat "$TMP/saker.err" >&2; fail "saker did not start again"; }
kill -0 "$SAKER_PID" || fail "the restarted saker is not the same process"
: > "$TMP/marker-c-3"
sleep 0.5
stop_saker
grep -q "^{.*\"output\":\"[^\"]*Marker C (file=$TMP/marker-c-3)" "$TMP/saker.out" ||
	{ tail -3 "$TMP/saker.out" >&2; fail "the restarted saker does not print JSON"; }
grep -q "^[0-9:.]*: Warning Marker C (file=$TMP/marker-c-2)" "$TMP/saker.out" || fail "text alerts before the restart"
a=$(grep -c "Marker A (file=$TMP/marker-a-" "$TMP/saker.out" || true)
[ "$a" -eq "$N" ] || fail "$a alerts of Marker A for $N opens"
grep -q "Marker B (file=$TMP/marker-b-1)" "$TMP/saker.out" || fail "no alert of the added rule"
grep -q "Marker C (file=$TMP/marker-c-1)" "$TMP/saker.out" || fail "no alert of the configuration's new directory"
grep -q "Marker C (file=$TMP/marker-c-2)" "$TMP/saker.out" || fail "the rules did not survive a broken configuration"
grep -q "dropped 0," "$TMP/saker.err" || { grep "events:" "$TMP/saker.err" >&2; fail "events were dropped"; }
echo "ok $a of $N alerts across two reloads, no drop"
echo "ok the configuration changed beyond its rules: saker started again with it"
echo "5 passed, 0 failed"
