#!/bin/bash
# Runs a command with a real rsyslogd behind /dev/log, in the private mount
# namespace it is started in (unshare -m --propagation private): a tmpfs
# covers /dev there (the machine's /dev is untouched; the few devices a
# program needs are bound in), rsyslogd listens on /dev/log without rate
# limits and writes every message as "facility.severity TAG MSG" to
# DIR/syslog.txt. The command's stdout and stderr go to DIR/cmd.out and
# DIR/cmd.err, its exit status to DIR/cmd.rc. rsyslogd is stopped once the
# log has stopped growing.
# usage: unshare -m --propagation private syslog_ns.sh DIR COMMAND...
set -eu
dir=$1
shift

mkdir -p "$dir/dev.orig"
mount --bind /dev "$dir/dev.orig"
mount -t tmpfs -o mode=755 saker-test-dev /dev
for n in null zero full random urandom tty; do
	touch "/dev/$n"
	mount --bind "$dir/dev.orig/$n" "/dev/$n"
done
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr

cat > "$dir/rsyslog.conf" <<EOF
global(workDirectory="$dir")
module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0")
template(name="saker_test" type="string"
	 string="%syslogfacility-text%.%syslogseverity-text% %syslogtag%%msg%\n")
*.* action(type="omfile" file="$dir/syslog.txt" template="saker_test")
EOF
rsyslogd -n -f "$dir/rsyslog.conf" -i "$dir/rsyslogd.pid" 2> "$dir/rsyslogd.err" &
rs=$!
trap 'kill $rs 2>/dev/null; wait $rs 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	[ -S /dev/log ] && break
	sleep 0.1
done
[ -S /dev/log ] || { echo "rsyslogd did not open /dev/log" >&2; exit 1; }

rc=0
"$@" > "$dir/cmd.out" 2> "$dir/cmd.err" || rc=$?
echo "$rc" > "$dir/cmd.rc"

# rsyslogd writes asynchronously: wait until the log stops growing
last=-1
for _ in $(seq 50); do
	n=$(wc -l < "$dir/syslog.txt" 2>/dev/null || echo 0)
	[ "$n" = "$last" ] && break
	last=$n
	sleep 0.2
done
