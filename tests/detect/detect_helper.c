/* The actions of the live detection suite that no ordinary command
 * performs: each subcommand makes the system calls of one attacker
 * technique for real, on this machine, harmlessly (its own children, a
 * throw-away memfd, a module file that is not one, a BPF program that
 * does nothing). The last argument is a marker the suite looks for in the
 * alert; it is only carried in argv.
 *
 *   setuid0 MARK                   set the user id to root (already root)
 *   capset-admin UID MARK          become UID keeping capabilities, raise CAP_SYS_ADMIN
 *   unshare-uts MARK               move to a new UTS namespace
 *   memfd-exec MARK                run /bin/true from a memfd
 *   ptrace-poke MARK               attach to a child and write into its memory
 *   traceme MARK                   ask to be traced by the parent
 *   finit-module FILE MARK         ask the kernel to load FILE as a module
 *   bpf-load MARK                  load a socket filter that accepts nothing
 *   connect-udp IP PORT MARK       connect a UDP socket (sends nothing)
 *   listen PORT SECONDS            accept and hold TCP connections on 127.0.0.1
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
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

static int ptrace_poke(void)
{
	pid_t child = fork();
	int status;

	if (child == 0) {
		pause();
		_exit(0);
	}
	if (child < 0 || ptrace(PTRACE_ATTACH, child, NULL, NULL))
		return die("attach");
	waitpid(child, &status, 0);
	if (ptrace(PTRACE_POKEDATA, child, (void *)&g_target, (void *)2L))
		return die("poke");
	ptrace(PTRACE_DETACH, child, NULL, NULL);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	return 0;
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

static int bpf_load(void)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (unsigned long)prog;
	a.insn_cnt = 2;
	a.license = (unsigned long)"GPL";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return die("BPF_PROG_LOAD");
	close(fd);
	return 0;
}

static int connect_udp(const char *ip, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || inet_pton(AF_INET, ip, &sa.sin_addr) != 1 ||
	    connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		return die("connect");
	close(s);
	return 0;
}

static int listen_for(int port, int seconds)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
	time_t end = time(NULL) + seconds;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 16))
		return die("listen");
	while (time(NULL) < end) {
		struct pollfd p = { .fd = s, .events = POLLIN };

		if (poll(&p, 1, 200) == 1)
			accept(s, NULL, NULL);	/* held open until exit */
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "setuid0"))
		return setuid(0) ? die("setuid") : 0;
	if (!strcmp(cmd, "capset-admin") && argc > 2)
		return capset_admin((uid_t)atoi(argv[2]));
	if (!strcmp(cmd, "unshare-uts"))
		return unshare(CLONE_NEWUTS) ? die("unshare") : 0;
	if (!strcmp(cmd, "memfd-exec"))
		return memfd_exec(argv + 1);
	if (!strcmp(cmd, "ptrace-poke"))
		return ptrace_poke();
	if (!strcmp(cmd, "traceme"))
		return ptrace(PTRACE_TRACEME, 0, NULL, NULL) ? die("traceme") : 0;
	if (!strcmp(cmd, "finit-module") && argc > 2)
		return finit_module_file(argv[2]);
	if (!strcmp(cmd, "bpf-load"))
		return bpf_load();
	if (!strcmp(cmd, "connect-udp") && argc > 3)
		return connect_udp(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "listen") && argc > 3)
		return listen_for(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: see the top of tests/detect/detect_helper.c\n");
	return 2;
}
