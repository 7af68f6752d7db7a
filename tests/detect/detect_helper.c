/* The actions of the live detection suite that no ordinary command
 * performs: each subcommand makes the system calls of one attacker
 * technique for real, on this machine, harmlessly (its own children, a
 * throw-away memfd, a module file that is not one, a BPF program that
 * does nothing). The last argument is a marker the suite looks for in the
 * alert; it is only carried in argv.
 *
 *   setuid0 MARK                   set the user id to root (already root)
 *   regain-root UID MARK           drop to UID, then try (and fail) to become root again
 *   capset-admin UID MARK          become UID keeping capabilities, raise CAP_SYS_ADMIN
 *   unshare-uts MARK               move to a new UTS namespace
 *   setns-uts PID MARK             enter the UTS namespace of PID
 *   memfd-exec MARK                run /bin/true from a memfd
 *   ptrace-poke MARK               attach to a child and write into its memory
 *   ptrace-seize MARK              seize a child with PTRACE_SEIZE
 *   vm-writev MARK                 write into a child's memory with process_vm_writev
 *   proc-mem MARK                  write into a child's memory through /proc/PID/mem
 *   traceme MARK                   ask to be traced by the parent
 *   finit-module FILE MARK         ask the kernel to load FILE as a module
 *   init-module MARK               ask the kernel to load a buffer that is not a module
 *   bpf-load MARK                  load a socket filter that accepts nothing
 *   bpf-load-bad MARK              try to load a program the verifier refuses
 *   connect-udp IP PORT MARK       connect a UDP socket (sends nothing)
 *   connect-tcp IP PORT MARK       start a TCP connection (does not wait for it)
 *   listen IP PORT SECONDS [close] accept TCP connections; hold them, or close each
 *   dup-exec IP PORT MARK          connect, put the socket on fds 0-2, run sh (netcat -e)
 *   userfaultfd UID MARK           become UID, create a user-mode userfaultfd
 *   exec-argc0 PATH                run PATH with an empty argument list
 *   packet-socket MARK             open an AF_PACKET socket
 *   mknod-blk PATH MARK            make a block device node (loop 250, never opened)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "detect_helper: %s: %s\n", what, strerror(errno));
	return 1;
}

static int capset_admin(uid_t uid)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (prctl(PR_SET_KEEPCAPS, 1) || setresuid(uid, uid, uid))
		return die("keep capabilities and change user");
	if (syscall(SYS_capget, &h, d))
		return die("capget");
	d[0].effective |= 1u << CAP_SYS_ADMIN;
	if (syscall(SYS_capset, &h, d))
		return die("capset");
	return 0;
}

static int memfd_exec(char **argv)
{
	int in = open("/bin/true", O_RDONLY), fd = memfd_create("payload", MFD_CLOEXEC);
	char buf[65536];
	ssize_t n;

	if (in < 0 || fd < 0)
		return die("open /bin/true or memfd_create");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return die("write memfd");
	close(in);
	fexecve(fd, argv, environ);
	return die("fexecve");
}

static volatile long g_target = 1;

/* A child that waits to be killed: the target of the injection actions. */
static pid_t waiting_child(void)
{
	pid_t child = fork();

	if (child == 0) {
		pause();
		_exit(0);
	}
	return child;
}

static void reap(pid_t child)
{
	int status;

	kill(child, SIGKILL);
	waitpid(child, &status, 0);
}

static int ptrace_poke(void)
{
	pid_t child = waiting_child();
	int status;

	if (child < 0 || ptrace(PTRACE_ATTACH, child, NULL, NULL))
		return die("attach");
	waitpid(child, &status, 0);
	if (ptrace(PTRACE_POKEDATA, child, (void *)&g_target, (void *)2L))
		return die("poke");
	ptrace(PTRACE_DETACH, child, NULL, NULL);
	reap(child);
	return 0;
}

static int ptrace_seize(void)
{
	pid_t child = waiting_child();

	if (child < 0 || ptrace(PTRACE_SEIZE, child, NULL, NULL))
		return die("seize");
	reap(child);
	return 0;
}

static int vm_writev(void)
{
	long v = 3;
	struct iovec local = { .iov_base = &v, .iov_len = sizeof(v) };
	struct iovec remote = { .iov_base = (void *)&g_target, .iov_len = sizeof(v) };
	pid_t child = waiting_child();

	if (child < 0 || process_vm_writev(child, &local, 1, &remote, 1, 0) != sizeof(v))
		return die("process_vm_writev");
	reap(child);
	return 0;
}

static int proc_mem(void)
{
	long v = 4;
	char path[64];
	pid_t child = waiting_child();
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)child);
	fd = open(path, O_RDWR);
	if (child < 0 || fd < 0 || pwrite(fd, &v, sizeof(v), (off_t)(uintptr_t)&g_target) != sizeof(v))
		return die(path);
	close(fd);
	reap(child);
	return 0;
}

static int regain_root(uid_t uid)
{
	if (setresuid(uid, uid, uid))
		return die("drop to the user");
	if (setuid(0) == 0)
		return die("setuid(0) succeeded unexpectedly");
	return 0;
}

static int setns_uts(const char *pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/ns/uts", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWUTS))
		return die(path);
	close(fd);
	return 0;
}

static int user_faultfd(uid_t uid)
{
	int fd;

	if (setresuid(uid, uid, uid))
		return die("drop to the user");
	fd = (int)syscall(SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */);
	if (fd < 0)
		return die("userfaultfd");
	close(fd);
	return 0;
}

static int exec_argc0(const char *path)
{
	char *none[] = { NULL };

	execve(path, none, environ);
	return die(path);
}

static int finit_module_file(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return die(path);
	/* not an ELF module: the kernel refuses it, the request is what counts */
	syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return 0;
}

static int init_module_buffer(void)
{
	static const char not_elf[64] = "not a module";

	/* the kernel refuses it; the request is what counts */
	syscall(SYS_init_module, not_elf, sizeof(not_elf), "");
	return 0;
}

/* valid: r0 = 0; exit. Refused: exit without setting r0. */
static int bpf_load(bool valid)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (unsigned long)(valid ? prog : prog + 1);
	a.insn_cnt = valid ? 2 : 1;
	a.license = (unsigned long)"GPL";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return valid ? die("BPF_PROG_LOAD") : 0;
	close(fd);
	return valid ? 0 : die("the verifier accepted a program without r0");
}

static int inet_addr_of(const char *ip, int port, struct sockaddr_in *sa)
{
	*sa = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

static int connect_udp(const char *ip, int port)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || inet_addr_of(ip, port, &sa) || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		return die("connect");
	close(s);
	return 0;
}

/* Starts a TCP connection; a connection still under way counts. */
static int connect_tcp(const char *ip, int port)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (s < 0 || inet_addr_of(ip, port, &sa) ||
	    (connect(s, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS))
		return die("connect");
	close(s);
	return 0;
}

static int listen_for(const char *ip, int port, int seconds, bool close_each)
{
	struct sockaddr_in sa;
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
	time_t end = time(NULL) + seconds;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (inet_addr_of(ip, port, &sa) || bind(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(s, 16))
		return die("listen");
	while (time(NULL) < end) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		int c;

		if (poll(&p, 1, 200) == 1 && (c = accept(s, NULL, NULL)) >= 0 && close_each)
			close(c);	/* otherwise held open until exit */
	}
	return 0;
}

/* What netcat -e does: the connection becomes the shell's terminal. */
static int dup_exec(const char *ip, int port)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || inet_addr_of(ip, port, &sa) || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		return die("connect");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(s, fd) < 0)
			return die("dup2");
	execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
	return die("exec /bin/sh");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "setuid0"))
		return setuid(0) ? die("setuid") : 0;
	if (!strcmp(cmd, "regain-root") && argc > 2)
		return regain_root((uid_t)atoi(argv[2]));
	if (!strcmp(cmd, "capset-admin") && argc > 2)
		return capset_admin((uid_t)atoi(argv[2]));
	if (!strcmp(cmd, "unshare-uts"))
		return unshare(CLONE_NEWUTS) ? die("unshare") : 0;
	if (!strcmp(cmd, "setns-uts") && argc > 2)
		return setns_uts(argv[2]);
	if (!strcmp(cmd, "memfd-exec"))
		return memfd_exec(argv + 1);
	if (!strcmp(cmd, "ptrace-poke"))
		return ptrace_poke();
	if (!strcmp(cmd, "ptrace-seize"))
		return ptrace_seize();
	if (!strcmp(cmd, "vm-writev"))
		return vm_writev();
	if (!strcmp(cmd, "proc-mem"))
		return proc_mem();
	if (!strcmp(cmd, "traceme"))
		return ptrace(PTRACE_TRACEME, 0, NULL, NULL) ? die("traceme") : 0;
	if (!strcmp(cmd, "finit-module") && argc > 2)
		return finit_module_file(argv[2]);
	if (!strcmp(cmd, "init-module"))
		return init_module_buffer();
	if (!strcmp(cmd, "bpf-load"))
		return bpf_load(true);
	if (!strcmp(cmd, "bpf-load-bad"))
		return bpf_load(false);
	if (!strcmp(cmd, "connect-udp") && argc > 3)
		return connect_udp(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "connect-tcp") && argc > 3)
		return connect_tcp(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "listen") && argc > 4)
		return listen_for(argv[2], atoi(argv[3]), atoi(argv[4]),
				  argc > 5 && !strcmp(argv[5], "close"));
	if (!strcmp(cmd, "dup-exec") && argc > 3)
		return dup_exec(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "userfaultfd") && argc > 2)
		return user_faultfd((uid_t)atoi(argv[2]));
	if (!strcmp(cmd, "exec-argc0") && argc > 2)
		return exec_argc0(argv[2]);
	if (!strcmp(cmd, "packet-socket")) {
		int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

		return fd < 0 ? die("socket(AF_PACKET)") : (close(fd), 0);
	}
	if (!strcmp(cmd, "mknod-blk") && argc > 2)
		return mknod(argv[2], S_IFBLK | 0600, makedev(7, 250)) ? die(argv[2]) : 0;
	fprintf(stderr, "usage: see the top of tests/detect/detect_helper.c\n");
	return 2;
}
