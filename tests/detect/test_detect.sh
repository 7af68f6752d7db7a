#!/usr/bin/env bash
# The live detection suite. saker watches this machine with its default
# ruleset and, in the same run, Falco's three official rules files (-r);
# the suite performs each attacker action of actions.sh for real and
# harmlessly, then check_alerts.py requires every expected rule to have
# fired on its action (with the action's marker in the alert), every rule to
# be reached in at least two ways, every rule's output to carry the common
# fields, and compares the two rulesets action by action: an action the
# official rules catch and saker's do not is a failure, the other way round
# is reported. coverage.tsv maps every official rule to saker's rules or to
# a reason in the ruleset's header. A second run does the ordinary work of
# benign.sh in a cgroup of its own, and no saker rule may fire on it.
# Needs root (exit 77: skipped).
#
# usage: test_detect.sh BUILD_DIR [CAPTURE_OUT]
#   CAPTURE_OUT: keep the capture saker wrote during the detection run, its
#   events cut down to the suite's own processes (capture_filter.py);
#   tests/data/live_suite.scap.gz was recorded this way
# environment: SAKER_SHARED_DIR, the folder holding falco/rules (the
#   official rules); without them the comparison is skipped and says so
set -u
# a clean environment: the actions' processes and the capture carry nothing
# of the caller's
if [ -z "${SAKER_DETECT_CLEAN:-}" ]; then
	exec env -i SAKER_DETECT_CLEAN=1 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 SAKER_SHARED_DIR="${SAKER_SHARED_DIR:-}" bash "$0" "$@"
fi
# recording the capture that ships with saker: the suite alone, in root
# cgroups and a pid namespace of its own, so that nothing of the machine it
# was recorded on is in it
if [ -n "${2:-}" ] && [ -z "${SAKER_DETECT_NS:-}" ]; then
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -w "${h}cgroup.procs" ] && echo $$ >"${h}cgroup.procs" 2>/dev/null
	done
	exec env SAKER_DETECT_NS=1 unshare --pid --fork --mount-proc bash "$0" "$@"
fi
BUILD=$(cd "${1:?usage: test_detect.sh BUILD_DIR [CAPTURE_OUT]}" && pwd)
KEEP=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
RULES=$HERE/../../rules/saker_rules.yaml
SAKER=$BUILD/saker
HELPER=$BUILD/tests/saker_detect_helper
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the live detection suite needs root"
	exit 77
fi
OFFICIAL=()
OFFICIAL_DIR=${SAKER_SHARED_DIR:-$HERE/../../../shared}/falco/rules
for f in falco_rules.yaml falco-incubating_rules.yaml falco-sandbox_rules.yaml; do
	[ -r "$OFFICIAL_DIR/$f" ] && OFFICIAL+=("$OFFICIAL_DIR/$f")
done
[ ${#OFFICIAL[@]} -eq 3 ] || { echo "note: no official rules in $OFFICIAL_DIR: comparison skipped"; OFFICIAL=(); }

W=$(mktemp -d /tmp/saker-detect.XXXXXX)
M=$(basename "$W")		# the prefix of every action's marker
B=$W/bin			# fake attacker tools
B2=$W/bin2
UH=/home/$M.user		# a user's home, where the official rules look for .ssh
CID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-64)
if [ -d /sys/fs/cgroup/pids ]; then	# cgroup v1: one hierarchy is enough
	CGROOT=/sys/fs/cgroup/pids
else					# cgroup v2
	CGROOT=/sys/fs/cgroup
fi
CG=$CGROOT/docker/$CID
BG=$CGROOT/$M.benign			# the ordinary work's cgroup
BENIGN=""
SCRATCH=""
SAKER_PID=""
USER_MADE=sk$((100000 + RANDOM))
ACT=$W/actions.tsv
MADE=()				# system directories the suite created
: >"$ACT"

cleanup() {
	[ -n "$SAKER_PID" ] && kill -KILL "$SAKER_PID" 2>/dev/null
	id "$USER_MADE" >/dev/null 2>&1 && userdel "$USER_MADE"
	rm -rf /usr/bin/"$M".* /usr/local/bin/"$M".* /usr/local/sbin/"$M".* /usr/lib/"$M".* /boot/"$M".* \
		/etc/"$M".* /etc/sudoers.d/"$M".* /etc/apt/sources.list.d/"$M".* /etc/apt/apt.conf.d/99"$M".* \
		/etc/ld.so.conf.d/"$M".* /var/lib/dpkg/"$M".* /var/lib/rpm/"$M".* /etc/cron.d/"$M".* \
		/etc/systemd/system/"$M".* /etc/init.d/"$M".* /etc/profile.d/"$M".* /root/"$M".* /"$M".* \
		/dev/"$M".* /dev/."$M".* /dev/vd"$M".* /dev/shm/"$M".* /var/log/"$M".* /opt/"$M".* /host/"$M".* "$UH"
	# deepest first
	printf '%s\n' "${MADE[@]}" | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2- |
		while read -r d; do rmdir "$d" 2>/dev/null; done
	[ -d "$CG" ] && rmdir "$CG" 2>/dev/null
	[ -d "$BG" ] && rmdir "$BG" 2>/dev/null
	[ -n "${MADE_CG_PARENT:-}" ] && rmdir "$(dirname "$CG")" 2>/dev/null
	rm -rf "$W" ${BENIGN:+"$BENIGN" "/var/log/$(basename "$BENIGN")"} ${SCRATCH:+"$SCRATCH"}
}
trap cleanup EXIT

# tag.yaml: appends the cgroups of the acting thread to every loaded rule's
# output, so that the ordinary work's alerts can be told from the machine's
make_tag_file() {
	python3 - "$@" >"$W/tag.yaml" <<'EOF'
import re, sys
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^- rule: (.+?)\s*$", line)
        if m:
            name = m.group(1).replace("'", "''")
            print(f"- rule: '{name}'\n  output: 'cgroups=%thread.cgroups'\n"
                  "  override:\n    output: append")
EOF
}

# start_saker OUT: saker live with the rules, JSON alerts in OUT
start_saker() {
	local r=(-r "$RULES")
	for f in "${OFFICIAL[@]}"; do r+=(-r "$f"); done
	"$SAKER" -U "${r[@]}" -r "$W/tag.yaml" -o json_output=true -o json_include_output_property=true \
		-o rule_matching=all ${CAPTURE:+-w "$CAPTURE"} >"$1" 2>"$1.err" &
	SAKER_PID=$!
	for _ in $(seq 300); do
		grep -q "watching this machine" "$1.err" && return 0
		kill -0 "$SAKER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "saker did not start:"
	cat "$1.err"
	exit 1
}

stop_saker() {
	sleep 0.5
	kill -INT "$SAKER_PID"
	wait "$SAKER_PID"
	local rc=$?
	SAKER_PID=""
	if [ $rc -ne 0 ]; then
		echo "saker exited with $rc:"
		cat "$1.err"
		exit 1
	fi
}

# mkdir_made DIR: makes DIR and its missing parents; they go at the end
mkdir_made() {
	local d=$1
	while [ ! -d "$d" ]; do MADE+=("$d"); d=$(dirname "$d"); done
	mkdir -p "$1"
}

# ---- the stage: fake tools, homes, the fake container, system directories
[ -d "$(dirname "$CG")" ] || MADE_CG_PARENT=1
mkdir -p "$B" "$B2" "$W/home/.aws" "$W/home/.kube" "$W/www" "$W/mnt" "$W/cg" "$CG" \
	"$UH/.ssh" "$W/ovl/lower" "$W/ovl/upper" "$W/ovl/work" "$W/ovl/merged" \
	"$W/ovl2/lower" "$W/ovl2/upper" "$W/ovl2/work" "$W/ovl2/merged"
for tool in nmap nc ncat socat tcpdump dig scp rsync wget xmrig kworker debugfs crontab at \
	kubectl crictl sudo sudoedit pip; do
	cp /bin/true "$B/$tool"
done
for tool in nginx php-fpm apache2 mysqld postgres npm yarn containerd-shim sshd cron; do
	cp "$(command -v bash)" "$B/$tool"
done
cp "$(readlink -f /usr/bin/python3)" "$B/runc"
cp "$(command -v cat)" "$B2/sshd"
cp "$HELPER" "$B/date"
echo "not a key" >"$UH/.ssh/id_rsa"
echo "203.0.113.5 ssh-ed25519 AAAA" >"$UH/.ssh/known_hosts"
echo "[default]" >"$W/home/.aws/credentials"
echo "apiVersion: v1" >"$W/home/.kube/config"
for d in /boot /etc/cron.d /etc/systemd/system /etc/init.d /etc/profile.d /etc/sudoers.d \
	/etc/apt/sources.list.d /etc/apt/apt.conf.d /etc/ld.so.conf.d /var/lib/dpkg /var/lib/rpm \
	/usr/local/sbin /host; do
	mkdir_made "$d"
done
PORT=$((20000 + RANDOM % 20000))
make_tag_file "$RULES" "${OFFICIAL[@]}"

# ---- attacker actions
CAPTURE=$W/live.scap.gz
start_saker "$W/alerts.json"
: >"$W/$M.capture-root"		# names this shell in the capture: its tree is kept
# the actions run in a process that starts after saker watches, so each one
# is seen from its beginning (in the capture too)
(
	# shellcheck source=tests/detect/actions.sh
	. "$HERE/actions.sh"
)
stop_saker "$W/alerts.json"
echo "== detections ($(wc -l <"$W/alerts.json") alerts, $(wc -l <"$ACT") actions)"
python3 "$HERE/check_alerts.py" detect --actions "$ACT" --alerts "$W/alerts.json" --rules "$RULES" \
	--coverage "$HERE/coverage.tsv" ${OFFICIAL[@]:+--official "${OFFICIAL[@]}"}
detect_rc=$?
if [ -n "$KEEP" ]; then
	python3 "$HERE/capture_filter.py" "$HERE/../../bpf/shared/events.def" "$CAPTURE" "$KEEP" \
		"$M.capture-root" || detect_rc=1
fi

# ---- ordinary work raises nothing
BENIGN=$(mktemp -d /var/lib/saker-benign.XXXXXX)
SCRATCH=$(mktemp -d /tmp/saker-benign.XXXXXX)
export BENIGN SCRATCH
bash "$HERE/benign.sh" prepare
mkdir "$BG"
CAPTURE=""
start_saker "$W/benign.json"
(
	# into the cgroup, then a new program: its exec tells saker where it is
	echo $BASHPID >"$BG/cgroup.procs"
	exec bash "$HERE/benign.sh" run
) || echo "warning: the ordinary work failed part-way"
stop_saker "$W/benign.json"
echo "== ordinary work"
python3 "$HERE/check_alerts.py" benign --alerts "$W/benign.json" --rules "$RULES" --tag "$(basename "$BG")"
benign_rc=$?

[ $detect_rc -eq 0 ] && [ $benign_rc -eq 0 ]
