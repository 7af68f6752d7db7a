/* Tests of the container table (state/ctr_tab.c) and container records
 * (state/ctr_meta.c, state/ctr_json.c): threads seeded with a container's
 * cgroups make its entry and ask the lookup hook once; descriptions are
 * found by the short id; the table's bound evicts containers without
 * threads first and counts it; a failed lookup does not hide a successful
 * one; the state's heap counts the records it keeps (built on another
 * thread or outside it) and not those it refuses; image references split
 * as Falco splits them; a record survives Falco's JSON both ways, and
 * the JSON Falco's engine writes into its captures (its keys, its extra
 * members, its nulls) is read. */
#include "state/state.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/base/mem.h"
#include "runtime/base/strbuf.h"
#include "state/ctr_json.h"
#include "state/ctr_meta.h"

struct asked {
	char ids[16][16];
	int n;
	bool refuse;
};

static bool hook(void *ctx, const char *id)
{
	struct asked *a = ctx;

	if (a->refuse)
		return false;
	if (a->n < 16)
		snprintf(a->ids[a->n++], 16, "%s", id);
	return true;
}

/* A thread in the docker container whose full id is 64 times digit c. */
static void seed(struct state *st, int64_t tid, char c)
{
	char cg[128], id[65];
	struct state_thr_seed s = { .tid = tid, .pid = tid, .ptid = 1, .comm = "sh", .exe = "sh" };

	memset(id, c, 64);
	id[64] = '\0';
	snprintf(cg, sizeof(cg), "cpu=/docker/%s", id);
	s.cgroups.p = cg;
	s.cgroups.len = (uint32_t)strlen(cg) + 1;
	assert_int_equal(state__seed_thread(st, &s), 0);
}

static struct ctr_meta *described(char c, const char *name, uint8_t lookup)
{
	struct ctr_meta *m = ctr_meta__new();
	char id[13];

	assert_non_null(m);
	memset(id, c, 12);
	id[12] = '\0';
	assert_int_equal(ctr_meta__set(m, &m->id, id, (size_t)-1), 0);
	assert_int_equal(ctr_meta__set(m, &m->name, name, (size_t)-1), 0);
	m->type = CTR_TYPE_DOCKER;
	m->lookup = lookup;
	return m;
}

static void test_join_lookup_describe(void **state)
{
	struct state_opts o = { .sz = sizeof(o) };
	struct asked a = { 0 };
	struct state *st;
	struct state_stats ss;
	uint64_t gen;

	(void)state;
	assert_int_equal(state__new(&o, &st), 0);
	state__set_container_hook(st, hook, &a);
	seed(st, 100, 'a');
	seed(st, 101, 'a');
	seed(st, 102, 'b');
	assert_int_equal(a.n, 2);	/* one request per container */
	assert_string_equal(a.ids[0], "aaaaaaaaaaaa");
	assert_string_equal(a.ids[1], "bbbbbbbbbbbb");
	assert_null(state__container(st, "aaaaaaaaaaaa"));
	gen = *state__proc_gen_ptr(st);
	assert_int_equal(state__container_put(st, described('a', "web", CTR_LOOKUP_SUCCESSFUL)), 0);
	assert_true(*state__proc_gen_ptr(st) != gen);	/* memoized container fields go stale */
	assert_string_equal(state__container(st, "aaaaaaaaaaaa")->name, "web");
	/* a failed lookup that comes later keeps the successful one */
	assert_int_equal(state__container_put(st, described('a', "other", CTR_LOOKUP_FAILED)), 0);
	assert_string_equal(state__container(st, "aaaaaaaaaaaa")->name, "web");
	state__stats(st, &ss);
	assert_int_equal(ss.containers, 2);
	state__free(st);
}

static void test_refused_requests_reposted(void **state)
{
	struct state_opts o = { .sz = sizeof(o) };
	struct asked a = { .refuse = true };
	struct state *st;

	(void)state;
	assert_int_equal(state__new(&o, &st), 0);
	state__set_container_hook(st, hook, &a);
	seed(st, 100, 'a');
	seed(st, 101, 'b');
	assert_int_equal(state__container_unrequested(st), 2);
	a.refuse = false;
	state__container_repost(st);
	assert_int_equal(state__container_unrequested(st), 0);
	assert_int_equal(a.n, 2);
	state__free(st);
}

static void test_bound_evicts_idle_first(void **state)
{
	struct state_opts o = { .sz = sizeof(o), .max_containers = 2 };
	struct state *st;
	struct state_stats ss;

	(void)state;
	assert_int_equal(state__new(&o, &st), 0);
	seed(st, 100, 'a');	/* a has a thread */
	assert_int_equal(state__container_put(st, described('a', "a", CTR_LOOKUP_SUCCESSFUL)), 0);
	/* b is described but has no thread: first in line */
	assert_int_equal(state__container_put(st, described('b', "b", CTR_LOOKUP_SUCCESSFUL)), 0);
	seed(st, 101, 'c');	/* a third container: b goes */
	state__stats(st, &ss);
	assert_int_equal(ss.containers, 2);
	assert_int_equal(ss.containers_evicted, 1);
	assert_null(state__container(st, "bbbbbbbbbbbb"));
	assert_non_null(state__container(st, "aaaaaaaaaaaa"));
	state__free(st);
}

static int64_t heap(struct state *st)
{
	struct state_stats ss;

	state__stats(st, &ss);
	return ss.heap_bytes;
}

static void test_heap_counts_records(void **state)
{
	struct state_opts o = { .sz = sizeof(o) };
	struct state *st;
	struct ctr_meta *m;
	int64_t h0, built, first;

	(void)state;
	assert_int_equal(state__new(&o, &st), 0);
	m = described('a', "a-name-long-enough-to-count", CTR_LOOKUP_SUCCESSFUL);
	assert_int_equal(ctr_meta__add_mount(m, "/etc", "/host/etc", "ro", false, "rprivate"), 0);
	assert_int_equal(ctr_meta__add_label(m, true, "app", "web"), 0);
	built = m->heap;
	h0 = heap(st);
	assert_int_equal(state__container_put(st, m), 0);
	if (!mem_accounted()) {	/* libc's malloc: nothing counted */
		assert_int_equal(built, 0);
		state__free(st);
		return;
	}
	assert_true(built > (int64_t)sizeof(*m));
	/* the record and the table's entry for it */
	assert_true(heap(st) - h0 > built);
	/* a failed lookup after a successful one is freed at once: no change */
	h0 = heap(st);
	assert_int_equal(state__container_put(st, described('a', "b", CTR_LOOKUP_FAILED)), 0);
	assert_int_equal(heap(st), h0);
	/* a successful one replaces the record: the old one's bytes go */
	first = built;
	m = described('a', "c", CTR_LOOKUP_SUCCESSFUL);
	built = m->heap;
	assert_int_equal(state__container_put(st, m), 0);
	assert_int_equal(heap(st), h0 - first + built);
	state__free(st);
}

static void split(const char *ref, const char *repo, const char *tag, const char *digest)
{
	struct ctr_meta *m = ctr_meta__new();

	assert_int_equal(ctr_meta__split_image(m, ref), 0);
	assert_string_equal(m->image_repo ? m->image_repo : "", repo);
	assert_string_equal(m->image_tag ? m->image_tag : "", tag);
	assert_string_equal(m->image_digest ? m->image_digest : "", digest);
	ctr_meta__free(m);
}

static void test_split_image(void **state)
{
	(void)state;
	split("busybox", "busybox", "", "");
	split("busybox:1.36", "busybox", "1.36", "");
	split("docker.io/library/nginx:1.25", "docker.io/library/nginx", "1.25", "");
	split("registry:5000/team/app:2@sha256:ab12", "registry:5000/team/app", "2", "sha256:ab12");
	split("quay.io/x/y@sha256:cd34", "quay.io/x/y", "", "sha256:cd34");
}

static void test_json_round_trip(void **state)
{
	struct ctr_meta *m = described('d', "db", CTR_LOOKUP_SUCCESSFUL), *back, *none;
	struct strbuf sb = STRBUF_INIT;
	char err[128];

	(void)state;
	m->type = CTR_TYPE_PODMAN;
	m->privileged = 1;
	m->ip = 0x0a000002;
	assert_int_equal(ctr_meta__set(m, &m->healthcheck, "/bin/sh -c true", (size_t)-1), 0);
	assert_int_equal(ctr_meta__add_mount(m, "/etc", "/host/etc", "ro", false, "rprivate"), 0);
	assert_int_equal(ctr_meta__add_label(m, false, "z", "1"), 0);
	assert_int_equal(ctr_meta__add_label(m, false, "a", "2"), 0);
	assert_int_equal(ctr_meta__add_label(m, true, "app", "db"), 0);
	assert_int_equal(ctr_meta__set(m, &m->pod_sandbox_id, "feed", (size_t)-1), 0);
	ctr_meta__finish(m);
	assert_string_equal(m->labels[0].key, "a");	/* sorted, as Falco's map */
	assert_int_equal(ctr_json_write(m, &sb), 0);
	assert_int_equal(ctr_json_parse(sb.buf, sb.len, &back, err, sizeof(err)), 0);
	assert_string_equal(back->id, "dddddddddddd");
	assert_string_equal(back->name, "db");
	assert_int_equal(back->type, CTR_TYPE_PODMAN);
	assert_int_equal(back->privileged, 1);
	assert_int_equal(back->ip, 0x0a000002);
	assert_string_equal(back->healthcheck, "/bin/sh -c true");
	assert_int_equal(back->nmounts, 1);
	assert_string_equal(back->mounts[0].dest, "/host/etc");
	assert_false(back->mounts[0].rdwr);
	assert_int_equal(back->nlabels, 2);
	assert_string_equal(ctr_meta_label(back->pod_labels, back->npod_labels, "app"), "db");
	assert_string_equal(back->pod_sandbox_id, "feed");
	/* JSON that is no container says so */
	assert_int_equal(ctr_json_parse("{\"x\":1}", 7, &none, err, sizeof(err)), -EINVAL);
	assert_null(none);
	assert_non_null(strstr(err, "container"));
	assert_int_equal(ctr_json_parse("{\"container\":", 13, &none, err, sizeof(err)), -EINVAL);
	ctr_meta__free(back);
	ctr_meta__free(m);
	strbuf_release(&sb);
}

/* A container event's JSON as Falco's container engine lays it out:
 * docker's type number, the image split in its own members, the address
 * as text, members saker has no field for, a null label map. */
static void test_json_falco_layout(void **state)
{
	static const char js[] =
		"{\"container\":{\"Mounts\":[{\"Destination\":\"/srv\",\"Mode\":\"z\","
		"\"Propagation\":\"rslave\",\"RW\":true,\"Source\":\"/data\"}],"
		"\"User\":\"1000\",\"cni_json\":\"\",\"cpu_period\":100000,\"cpu_quota\":0,"
		"\"created_time\":1700000000,\"env\":[\"A=1\"],"
		"\"full_id\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
		"\"host_ipc\":false,\"host_network\":true,\"host_pid\":false,"
		"\"id\":\"0123456789ab\",\"image\":\"registry:5000/team/app:2\","
		"\"imagedigest\":\"sha256:feed\",\"imageid\":\"beef\","
		"\"imagerepo\":\"registry:5000/team/app\",\"imagetag\":\"2\","
		"\"ip\":\"172.17.0.9\",\"is_pod_sandbox\":false,"
		"\"labels\":{\"tier\":\"back\"},\"lookup_state\":1,\"memory_limit\":0,"
		"\"name\":\"app-1\",\"pod_sandbox_id\":\"\",\"pod_sandbox_labels\":null,"
		"\"port_mappings\":[],\"privileged\":false,\"swap_limit\":0,\"type\":0}}";
	struct ctr_meta *m;
	char err[128];

	(void)state;
	assert_int_equal(ctr_json_parse(js, sizeof(js) - 1, &m, err, sizeof(err)), 0);
	assert_string_equal(m->id, "0123456789ab");
	assert_int_equal(strlen(m->full_id), 64);
	assert_int_equal(m->type, CTR_TYPE_DOCKER);
	assert_string_equal(ctr_type_name(m->type), "docker");
	assert_string_equal(m->name, "app-1");
	assert_string_equal(m->image_repo, "registry:5000/team/app");
	assert_string_equal(m->image_tag, "2");
	assert_string_equal(m->image_digest, "sha256:feed");
	assert_string_equal(m->image_id, "beef");
	assert_int_equal(m->lookup, CTR_LOOKUP_SUCCESSFUL);
	assert_int_equal(m->privileged, 0);
	assert_int_equal(m->host_network, 1);
	assert_int_equal(m->ip, 0xac110009);
	assert_int_equal(m->created_time, 1700000000);
	assert_int_equal(m->nmounts, 1);
	assert_string_equal(m->mounts[0].source, "/data");
	assert_string_equal(m->mounts[0].dest, "/srv");
	assert_string_equal(m->mounts[0].propagation, "rslave");
	assert_true(m->mounts[0].rdwr);
	assert_string_equal(ctr_meta_label(m->labels, m->nlabels, "tier"), "back");
	assert_int_equal(m->npod_labels, 0);
	ctr_meta__free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_lookup_describe),
		cmocka_unit_test(test_refused_requests_reposted),
		cmocka_unit_test(test_bound_evicts_idle_first),
		cmocka_unit_test(test_heap_counts_records),
		cmocka_unit_test(test_split_image),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_falco_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
