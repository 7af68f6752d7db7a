/* Tests of state/ctr_id: the container id each runtime's cgroup naming
 * gives (docker, containerd/CRI, CRI-O, podman, kubepods, with cgroupfs or
 * systemd drivers, cgroup v1 and v2), the host (""), and input that names
 * no container. The cgroup paths are the ones these runtimes create; the
 * id Falco shows (container.id) is the first 12 characters. */
#include "state/ctr_id.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/base/evt.h"
#include "state/state.h"

#define ID "9c1f6d2e8b7a43f0a5d2c1e0b9f8a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6"
#define SHORT "9c1f6d2e8b7a"

_Static_assert(sizeof(ID) == 65, "a full id is 64 hex digits");

/* The id of a blob given as one string with '\n' between items, copied
 * into a heap buffer of exactly its size (so a read past it is seen) with
 * the items NUL-separated as the driver writes them. */
static void id_of(const char *items, char *out)
{
	size_t n = strlen(items) + 1;
	char *blob = malloc(n);

	assert_non_null(blob);
	memcpy(blob, items, n);
	for (size_t i = 0; i < n; i++)
		if (blob[i] == '\n')
			blob[i] = '\0';
	memset(out, 'x', 13);
	ctr_id_from_cgroups(blob, (uint32_t)n, out);
	free(blob);
}

#define CHECK(items, want)                         \
	do {                                       \
		char out_[13];                     \
		id_of((items), out_);              \
		assert_string_equal(out_, (want)); \
	} while (0)

static void test_docker(void **unused)
{
	(void)unused;
	/* cgroupfs driver, v1: every controller has it */
	CHECK("cpuset=/docker/" ID "\ncpu=/docker/" ID "\nmemory=/docker/" ID, SHORT);
	/* systemd driver, v1 and v2 */
	CHECK("cpu=/system.slice/docker-" ID ".scope", SHORT);
	CHECK("0=/system.slice/docker-" ID ".scope", SHORT);
	/* the id in a later item */
	CHECK("name=systemd=/user.slice\ncpu=/docker/" ID, SHORT);
	/* docker-in-docker: the process is in the inner container, the last
	 * one its path names */
	CHECK("cpu=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/docker/" ID,
	      SHORT);
	/* systemd running inside the container */
	CHECK("0=/system.slice/docker-" ID ".scope/init.scope", SHORT);
}

static void test_containerd_cri(void **unused)
{
	(void)unused;
	/* containerd's CRI plugin, systemd driver */
	CHECK("cpu=/kubepods.slice/kubepods-besteffort.slice/"
	      "kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice/"
	      "cri-containerd-" ID ".scope", SHORT);
	/* cgroupfs driver: the bare id under the pod */
	CHECK("memory=/kubepods/burstable/pod0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/" ID, SHORT);
}

static void test_crio(void **unused)
{
	(void)unused;
	CHECK("cpu=/kubepods.slice/kubepods-burstable.slice/"
	      "kubepods-burstable-pod0f1e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice/crio-" ID ".scope",
	      SHORT);
	/* conmon, the monitor beside the container, is not in it */
	CHECK("cpu=/kubepods.slice/crio-conmon-" ID ".scope", "");
}

static void test_podman(void **unused)
{
	(void)unused;
	CHECK("0=/machine.slice/libpod-" ID ".scope", SHORT);
	CHECK("0=/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope/container",
	      SHORT);
	/* cgroupfs driver */
	CHECK("cpu=/libpod_parent/libpod-" ID, SHORT);
}

/* The host: no container, "" (ctr_id.h). */
static void test_host(void **unused)
{
	(void)unused;
	CHECK("cpuset=/\ncpu=/user.slice\nmemory=/user.slice/user-1000.slice/session-3.scope", "");
	CHECK("0=/init.scope", "");
	CHECK("0=/system.slice/containerd.service", "");
	CHECK("0=/system.slice/docker.service", "");
	CHECK("", "");
	{
		char out[13] = "xxxxxxxxxxxx";

		ctr_id_from_cgroups(NULL, 0, out);
		assert_string_equal(out, "");
	}
}

/* Things that look like ids and are not: the wrong length, non-hex,
 * an id outside the path, no '=', an unterminated last item. */
static void test_garbage(void **unused)
{
	(void)unused;
	CHECK("cpu=/docker/" "9c1f6d2e8b7a43f0a5d2c1e0b9f8a7d6c5b4a39281706f5e4d3c2b1a09f8e7d", "");
	CHECK("cpu=/docker/" ID "0", "");
	CHECK("cpu=/docker/9c1f6d2e8b7a43f0a5d2c1e0b9f8a7d6c5b4a39281706f5e4d3c2b1a09f8e7g6", "");
	CHECK("cpu=/docker/-" ID, "");
	CHECK("cpu=/docker-" ID ".slice", "");
	CHECK("cpu=/rkt-" ID ".scope", "");
	CHECK(ID "=/", "");
	CHECK("/docker/" ID, "");
	CHECK("=", "");
	CHECK("cpu=", "");
	CHECK("cpu=/", "");
	CHECK("cpu=//docker//", "");
	CHECK("\n\n\n", "");

	/* blobs without their final NUL: nothing is read past len */
	{
		static const char *const cases[] = { "cpu=", "cpu=/docker/", "cpu=/", "cpu", "=" };

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			size_t n = strlen(cases[i]);
			char *blob = malloc(n), out[13];

			assert_non_null(blob);
			memcpy(blob, cases[i], n);
			ctr_id_from_cgroups(blob, (uint32_t)n, out);
			assert_string_equal(out, "");
			free(blob);
		}
	}
	{
		static const char full[] = "cpu=/docker/" ID;
		char *blob = malloc(sizeof(full) - 1), out[13];

		assert_non_null(blob);
		memcpy(blob, full, sizeof(full) - 1);
		ctr_id_from_cgroups(blob, sizeof(full) - 1, out);
		assert_string_equal(out, SHORT);
		free(blob);
	}
}

/* A thread's container.id comes from its cgroups, and follows them. */
static void test_thread_container_id(void **unused)
{
	static const char cg[] = "cpu=/system.slice/docker-" ID ".scope\0memory=/system.slice/docker-" ID
				 ".scope";
	struct state_thr_seed s = {
		.tid = 4000, .pid = 4000, .ptid = 1, .vtid = 1, .vpid = 1, .loginuid = -1,
		.comm = "nginx", .exe = "nginx", .cwd = "/", .cgroups = { cg, sizeof(cg) },
	};
	struct state *st = NULL;
	(void)unused;

	assert_int_equal(state__new(NULL, &st), 0);
	assert_int_equal(state__seed_thread(st, &s), 0);
	assert_string_equal(state__thread(st, 4000)->container_id, SHORT);
	s.tid = s.pid = 10;
	s.cgroups.p = "cpu=/user.slice";
	s.cgroups.len = sizeof("cpu=/user.slice");
	assert_int_equal(state__seed_thread(st, &s), 0);
	assert_string_equal(state__thread(st, 10)->container_id, "");
	state__free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_containerd_cri),
		cmocka_unit_test(test_crio),
		cmocka_unit_test(test_podman),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_thread_container_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
