#!/usr/bin/env bash
# The systemd unit: `systemd-analyze verify` accepts it (pointed at this
# build's saker); where systemd is PID 1, a transient service made from it
# with systemd-run starts (READY=1), reloads on SIGHUP and stops.
source "$(dirname "$0")/lib.sh"
need_tool systemd-analyze
UNIT=$BUILD/dist/saker.service
[ -f "$UNIT" ] || fail "$UNIT was not generated"
sed "s|^ExecStart=[^ ]*/saker |ExecStart=$SAKER |" "$UNIT" > "$TMP/saker.service"
grep -q "^Type=notify" "$TMP/saker.service" || fail "the unit is not Type=notify"
grep -q '^ExecReload=/bin/kill -HUP $MAINPID' "$TMP/saker.service" || fail "no ExecReload by SIGHUP"
grep -q "^Restart=on-failure" "$TMP/saker.service" || fail "no restart on failure"
out=$(systemd-analyze verify "$TMP/saker.service" 2>&1) || { echo "$out" >&2; fail "systemd-analyze verify"; }
[ -z "$out" ] || { echo "$out" >&2; fail "systemd-analyze verify complained"; }
echo "ok systemd-analyze verify"
[ "$(ps -p 1 -o comm=)" = systemd ] || skip "systemd is not PID 1 here ($(ps -p 1 -o comm=)): start/reload/stop not run"
need_root
need_tool systemd-run
name=saker-test-$$
printf -- '- rule: none\n  desc: x\n  condition: evt.type=open and fd.name=/nonexistent-saker\n  output: x\n  priority: DEBUG\n' > "$TMP/rules.yaml"
printf 'watch_config_files: false\nlog_syslog: false\nrules_files: [%s]\n' "$TMP/rules.yaml" > "$TMP/saker.yaml"
props=()
while IFS= read -r l; do
	case "$l" in Type=*|NotifyAccess=*|ExecReload=*|Restart=*|KillMode=*|NoNewPrivileges=*|ProtectSystem=*|CapabilityBoundingSet=*)
		props+=(-p "$l");; esac
done < "$TMP/saker.service"
systemd-run --unit="$name" "${props[@]}" -p ExecReload="/bin/kill -HUP \$MAINPID" \
	"$SAKER" -c "$TMP/saker.yaml" || fail "systemd-run"
trap 'systemctl stop "$name" 2>/dev/null || true; cleanup' EXIT
[ "$(systemctl show -p ActiveState --value "$name")" = active ] || fail "not active after start"
systemctl reload "$name" || fail "reload"
sleep 1
journalctl -u "$name" --no-pager | grep -q "rules reloaded" || fail "no reload in the journal"
systemctl stop "$name" || fail "stop"
echo "ok start, reload, stop under systemd"
