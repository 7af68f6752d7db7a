# The ordinary work of the live detection suite, sourced by test_detect.sh
# while saker watches: what a server or a developer's machine does every
# day, which must raise no alert of saker's default ruleset. It runs in a
# cgroup of its own ($BG, named in every alert of the run) so that only
# alerts of this work count, whatever else the machine is doing.
#
#   - a C project with autotools: autoreconf, configure (its checks compile
#     and run test programs in /tmp), make, make check (test programs run
#     from /tmp), a staged make install; a program compiled and run from
#     /tmp at a terminal and by a script
#   - a Debian package built with dpkg-deb (binaries, a library, /etc files,
#     a cron file, a systemd unit, a profile.d script, a user made by its
#     maintainer script) installed and purged with dpkg, then with apt-get
#   - cron-like jobs through run-parts: logrotate (copytruncate, create,
#     compress), a tar and rsync backup of a home and /etc, a cleanup
#   - a service started and stopped by start-stop-daemon as nobody
#   - an SSH session to a real sshd on loopback, as the user the package
#     made (login shell start-up, commands, logout)
#   - an interactive root shell at a terminal, git, package queries
#
# usage: benign.sh prepare|run, with BENIGN (a scratch directory below
# /var/lib) and SCRATCH (one below /tmp) set. prepare lays down what the work
# starts from (a home with keys and history, logs to rotate) before saker
# watches; run is the work. Parts whose tools are missing say so and are
# skipped.

skip_part() { echo "SKIP benign: $1"; }

# ---- a C project built the autotools way from /tmp
autotools_build() {
	local src=$SCRATCH/proj
	if ! command -v autoreconf >/dev/null || ! command -v automake >/dev/null; then
		skip_part "autotools build (autoreconf/automake not installed; tools/setup.sh installs them)"
		return
	fi
	mkdir -p "$src/src" "$src/tests"
	cat >"$src/configure.ac" <<'EOF'
AC_INIT([bench-greeter], [1.0])
AM_INIT_AUTOMAKE([foreign subdir-objects])
AC_PROG_CC
AC_CHECK_HEADERS([stdio.h stdlib.h string.h unistd.h])
AC_CHECK_FUNCS([strdup getline])
AC_MSG_CHECKING([whether programs run])
AC_RUN_IFELSE([AC_LANG_PROGRAM([], [return 0;])], [AC_MSG_RESULT([yes])], [AC_MSG_RESULT([no])])
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
EOF
	cat >"$src/Makefile.am" <<'EOF'
bin_PROGRAMS = greeter
greeter_SOURCES = src/greeter.c src/greet.c
check_PROGRAMS = tests/test_greet
tests_test_greet_SOURCES = tests/test_greet.c src/greet.c
TESTS = tests/test_greet tests/run.sh
EXTRA_DIST = tests/run.sh
EOF
	cat >"$src/src/greet.c" <<'EOF'
#include <stdio.h>
#include <string.h>
int greet(char *out, size_t n, const char *who) { return snprintf(out, n, "hello, %s", who); }
EOF
	cat >"$src/src/greeter.c" <<'EOF'
#include <stdio.h>
int greet(char *out, size_t n, const char *who);
int main(int argc, char **argv) { char b[64]; greet(b, sizeof(b), argc > 1 ? argv[1] : "world"); puts(b); return 0; }
EOF
	cat >"$src/tests/test_greet.c" <<'EOF'
#include <string.h>
int greet(char *out, unsigned long n, const char *who);
int main(void) { char b[64]; greet(b, sizeof(b), "x"); return strcmp(b, "hello, x") != 0; }
EOF
	printf '#!/bin/sh\n./greeter tester | grep -q "hello, tester"\n' >"$src/tests/run.sh"
	chmod +x "$src/tests/run.sh"
	(
		cd "$src" &&
			autoreconf -fi >/dev/null 2>&1 &&
			./configure --prefix=/usr/local >/dev/null &&
			make -s >/dev/null 2>&1 &&
			make -s check >/dev/null 2>&1 &&
			make -s install DESTDIR="$SCRATCH/stage" >/dev/null 2>&1
	) || echo "warning: the autotools build failed part-way"
}

# ---- a program compiled and run from /tmp, at a terminal and by a script
terminal_compile() {
	printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"$SCRATCH/hello.c"
	script -qc "cc -O2 -o $SCRATCH/hello $SCRATCH/hello.c && $SCRATCH/hello" /dev/null >/dev/null
	sh -c "cc -o $SCRATCH/hello2 $SCRATCH/hello.c && $SCRATCH/hello2" >/dev/null
}

# ---- a Debian package: built, installed and purged with dpkg, then apt-get
debian_package() {
	local root=$BENIGN/pkgroot deb=$BENIGN/saker-benign.deb
	mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/lib/saker-benign" "$root/etc/cron.d" \
		"$root/lib/systemd/system" "$root/etc/profile.d"
	printf '#!/bin/sh\necho benign\n' >"$root/usr/bin/saker-benign-tool"
	chmod 755 "$root/usr/bin/saker-benign-tool"
	echo data >"$root/usr/lib/saker-benign/data.txt"
	echo "setting=1" >"$root/etc/saker-benign.conf"
	echo "# 0 3 * * * root /usr/bin/saker-benign-tool" >"$root/etc/cron.d/saker-benign"
	printf '[Service]\nExecStart=/usr/bin/saker-benign-tool\n' >"$root/lib/systemd/system/saker-benign.service"
	echo ': saker-benign' >"$root/etc/profile.d/saker-benign.sh"
	cat >"$root/DEBIAN/control" <<'EOF'
Package: saker-benign
Version: 1.0
Architecture: all
Maintainer: saker tests <tests@example.invalid>
Description: package the detection suite installs and removes
EOF
	printf '/etc/saker-benign.conf\n' >"$root/DEBIAN/conffiles"
	cat >"$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
	id saker-benign >/dev/null 2>&1 ||
		useradd -m -d /var/lib/saker-benign/home -s /bin/bash saker-benign
	usermod -p '*' saker-benign
	update-alternatives --quiet --install /usr/bin/saker-benign saker-benign /usr/bin/saker-benign-tool 10
	mkdir -p /var/lib/saker-benign && echo state >/var/lib/saker-benign/state
	ldconfig
fi
EOF
	cat >"$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = purge ] || [ "$1" = remove ]; then
	update-alternatives --quiet --remove-all saker-benign 2>/dev/null || true
fi
if [ "$1" = purge ]; then
	id saker-benign >/dev/null 2>&1 && userdel -r saker-benign 2>/dev/null || true
	rm -rf /var/lib/saker-benign
fi
EOF
	chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
	dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null || { echo "warning: dpkg-deb failed"; return; }
	dpkg -i "$deb" >/dev/null 2>&1 || echo "warning: dpkg -i failed"
	ssh_session
	dpkg --purge saker-benign >/dev/null 2>&1 || echo "warning: dpkg --purge failed"
	apt-get install -y -q -o DPkg::Lock::Timeout=60 "$deb" >/dev/null 2>&1 ||
		echo "warning: apt-get install of a local package failed"
	apt-get purge -y -q -o DPkg::Lock::Timeout=60 saker-benign >/dev/null 2>&1 ||
		echo "warning: apt-get purge failed"
}

# ---- an SSH session to a real sshd on loopback, as the package's user
ssh_session() {
	local d=$BENIGN/ssh port=$((22000 + RANDOM % 20000)) home
	if ! command -v sshd >/dev/null || ! id saker-benign >/dev/null 2>&1; then
		skip_part "SSH session (sshd or the package's user missing; tools/setup.sh installs openssh-server)"
		return
	fi
	home=$(getent passwd saker-benign | cut -d: -f6)
	local made_run=""
	[ -d /run/sshd ] || made_run=1	# sshd's privilege separation directory
	mkdir -p "$d" /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$d/id_ed25519"
	cp "$d/id_ed25519.pub" "$d/authorized_keys"
	chmod 644 "$d/authorized_keys"
	cat >"$d/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
AllowUsers saker-benign
EOF
	"$(command -v sshd)" -f "$d/sshd_config" -D -E "$d/sshd.log" &
	local sshd=$!
	for _ in $(seq 50); do grep -q "Server listening" "$d/sshd.log" 2>/dev/null && break; sleep 0.1; done
	local opts=(-q -i "$d/id_ed25519" -p "$port" -o BatchMode=yes -o StrictHostKeyChecking=no
		-o UserKnownHostsFile="$d/known_hosts" saker-benign@127.0.0.1)
	ssh "${opts[@]}" 'id; uname -a; uptime; df -h; ps aux | head -5; ls -la; cat /etc/os-release' \
		>/dev/null 2>&1 || { echo "warning: the SSH command failed:"; tail -3 "$d/sshd.log"; }
	# a login shell on a terminal: profile and bashrc read, history written at logout
	printf 'cd /tmp\nls -la\nwhoami\ngrep -c root /etc/passwd\nexit\n' |
		ssh -tt "${opts[@]}" >/dev/null 2>&1 || echo "warning: the SSH login failed"
	[ -d "$home" ] || echo "warning: no home for the SSH user"
	kill "$sshd" 2>/dev/null
	wait "$sshd" 2>/dev/null
	[ -n "$made_run" ] && rmdir /run/sshd
	return 0
}

LOGS=/var/log/$(basename "$BENIGN")

# ---- what the work starts from: a user's home, logs
prepare() {
	local home=$BENIGN/home
	chmod 755 "$BENIGN"	# the SSH user reads its authorized keys below it
	mkdir -p "$LOGS" "$BENIGN/cron.daily" "$home/.ssh" "$home/.aws" "$BENIGN/backup" "$BENIGN/mirror"
	for f in app access error; do seq 1 200 >"$LOGS/$f.log"; done
	echo "not a key" >"$home/.ssh/id_rsa"
	echo "[default]" >"$home/.aws/credentials"
	echo "ls" >"$home/.bash_history"
}

# ---- jobs a scheduler runs: log rotation, a backup, a cleanup
scheduled_jobs() {
	local logs=$LOGS jobs=$BENIGN/cron.daily home=$BENIGN/home
	cat >"$BENIGN/logrotate.conf" <<EOF
$logs/app.log {
	rotate 2
	copytruncate
	compress
	missingok
}
$logs/access.log $logs/error.log {
	rotate 2
	create 0640 root root
	compress
	sharedscripts
	postrotate
		echo rotated >/dev/null
	endscript
}
EOF
	if command -v logrotate >/dev/null; then
		printf '#!/bin/sh\nexec logrotate -f -s %s %s\n' "$BENIGN/logrotate.state" "$BENIGN/logrotate.conf" \
			>"$jobs/logrotate"
	else
		skip_part "log rotation (logrotate not installed; tools/setup.sh installs it)"
	fi
	printf '#!/bin/sh\ntar czf %s/etc-home.tgz -C / etc %s 2>/dev/null\n' "$BENIGN/backup" "${home#/}" \
		>"$jobs/backup"
	if command -v rsync >/dev/null; then
		printf '#!/bin/sh\nrsync -a %s/ %s/\n' "$home" "$BENIGN/mirror" >"$jobs/mirror"
	fi
	printf '#!/bin/sh\nfind %s -name "*.tmp" -mtime +7 -delete\n' "$SCRATCH" >"$jobs/cleanup"
	chmod 755 "$jobs"/*
	cp "$(command -v bash)" "$BENIGN/cron"
	"$BENIGN/cron" -c "run-parts $jobs; true" || echo "warning: a scheduled job failed"
}

# ---- a service started and stopped the way init scripts do it
service_restart() {
	local pid=$BENIGN/web.pid port=$((20000 + RANDOM % 20000))
	for _ in 1 2; do
		start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$pid" \
			--chuid nobody --exec /usr/bin/python3 -- -m http.server "$port" --bind 127.0.0.1 \
			--directory "$SCRATCH" || echo "warning: the service did not start"
		sleep 0.7
		start-stop-daemon --stop --quiet --pidfile "$pid" --retry 5 || echo "warning: the service did not stop"
	done
}

# ---- an administrator at a terminal, git, package queries
admin_session() {
	local repo=$BENIGN/repo
	env HISTFILE="$BENIGN/.bash_history" script -qc "bash -il" /dev/null >/dev/null 2>&1 <<'EOF'
id; uptime; df -h; free -m; ps aux | head -3; ls -la /etc | head -3; cat /etc/os-release
exit
EOF
	dpkg -l >/dev/null 2>&1
	dpkg -S /bin/ls >/dev/null 2>&1
	apt-cache policy bash >/dev/null 2>&1
	git init -q "$repo" && cp "$SCRATCH/hello.c" "$repo/" 2>/dev/null
	(
		cd "$repo" && git add -A && git -c user.name=admin -c user.email=admin@example.invalid commit -qm first &&
			git log --oneline >/dev/null && git checkout -qb work && git status --short >/dev/null &&
			git gc -q
	) || echo "warning: git failed"
}

case "${1:-}" in
prepare)
	prepare
	;;
run)
	autotools_build
	terminal_compile
	debian_package
	scheduled_jobs
	service_restart
	admin_session
	;;
*)
	echo "usage: benign.sh prepare|run" >&2
	exit 2
	;;
esac
