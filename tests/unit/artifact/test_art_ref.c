/* Artifact references and version requirements: OCI references as falcoctl
 * and the OCI distribution grammar write them (registry host with a port,
 * nested repositories, tags, digests, the default tag, what is refused),
 * index names, and the precedence of semantic versions (SemVer 2.0.0 §11)
 * that engine requirements are checked with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/artifact/ref.h"
#include "runtime/artifact/require.h"
#include "runtime/base/mem.h"

#define D64 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void check_ref(const char *s, const char *reg, const char *repo, const char *tag,
		      const char *digest)
{
	struct ref r;

	if (ref_parse(s, &r))
		fail_msg("'%s' refused", s);
	assert_string_equal(r.registry, reg);
	assert_string_equal(r.repo, repo);
	if (tag)
		assert_string_equal(r.tag, tag);
	else
		assert_null(r.tag);
	if (digest)
		assert_string_equal(r.digest, digest);
	else
		assert_null(r.digest);
	ref_release(&r);
}

static void references(void **state)
{
	(void)state;
	check_ref("ghcr.io/falcosecurity/rules/falco-rules:3", "ghcr.io",
		  "falcosecurity/rules/falco-rules", "3", NULL);
	check_ref("ghcr.io/falcosecurity/rules/falco-rules", "ghcr.io",
		  "falcosecurity/rules/falco-rules", "latest", NULL);
	check_ref("127.0.0.1:5000/rules/test-rules:1.0.0", "127.0.0.1:5000", "rules/test-rules",
		  "1.0.0", NULL);
	check_ref("localhost/a_b.c-d__e:x_Y.1-z", "localhost", "a_b.c-d__e", "x_Y.1-z", NULL);
	check_ref("reg.example:443/r@" D64, "reg.example:443", "r", NULL, D64);
	/* a tag and a digest: the digest is what is fetched */
	check_ref("reg.example/r:1@" D64, "reg.example", "r", NULL, D64);
}

static void refused_references(void **state)
{
	static const char *const bad[] = {
		"falco-rules",				/* no registry */
		"nohost/r:1",				/* a first part that is no host */
		"ghcr.io/Falco/rules:1",		/* upper case repository */
		"ghcr.io/r:",				/* empty tag */
		"ghcr.io/r:-x",				/* tag starting with '-' */
		"ghcr.io/r@sha256:abc",			/* short digest */
		"ghcr.io/r@md5:0123456789abcdef0123456789abcdef",
		"ghcr.io//r",				/* empty component */
		"ghcr.io/r-/x",				/* separator ending a component */
		"ghcr.io/",				/* no repository */
		"gh cr.io/r",				/* space in the host */
	};
	struct ref r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!ref_parse(bad[i], &r))
			fail_msg("'%s' accepted (registry %s, repo %s)", bad[i], r.registry, r.repo);
}

static void formats_and_names(void **state)
{
	struct ref r;
	char *s, *n, *tag, *digest;

	(void)state;
	assert_int_equal(ref_parse("127.0.0.1:5000/rules/x", &r), 0);
	s = ref_format(&r);
	n = ref_repo_name(&r);
	assert_string_equal(s, "127.0.0.1:5000/rules/x:latest");
	assert_string_equal(n, "127.0.0.1:5000/rules/x");
	mem_free(s);
	mem_free(n);
	ref_release(&r);
	assert_true(ref_is_index_name("falco-rules:3"));
	assert_false(ref_is_index_name("ghcr.io/falco-rules"));
	assert_false(ref_is_index_name(""));
	assert_true(ref_is_url("https://example.invalid/r.tar.gz"));
	assert_false(ref_is_url("ghcr.io/r"));
	assert_int_equal(ref_split_name("falco-rules:3", &n, &tag, &digest), 0);
	assert_string_equal(n, "falco-rules");
	assert_string_equal(tag, "3");
	assert_null(digest);
	mem_free(n);
	mem_free(tag);
	assert_int_equal(ref_split_name("falco-rules@" D64, &n, &tag, &digest), 0);
	assert_string_equal(n, "falco-rules");
	assert_null(tag);
	assert_string_equal(digest, D64);
	mem_free(n);
	mem_free(digest);
	assert_int_not_equal(ref_split_name("falco-rules@sha256:1", &n, &tag, &digest), 0);
}

static int cmp(const char *a, const char *b)
{
	bool ok;
	int c = require_semver_cmp(a, b, &ok);

	if (!ok)
		fail_msg("'%s' or '%s' not taken as a version", a, b);
	return c;
}

static void version_precedence(void **state)
{
	/* SemVer 2.0.0's own example chain, each older than the next */
	static const char *const chain[] = {
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0",
		"1.9.0", "1.10.0", "2.0.0",
	};
	static const char *const bad[] = { "1.2", "1.2.x", "", "1.2.3-", "a.b.c", "1.2.3.4" };
	bool ok;

	(void)state;
	for (size_t i = 0; i < sizeof(chain) / sizeof(chain[0]); i++)
		for (size_t j = 0; j < sizeof(chain) / sizeof(chain[0]); j++) {
			int c = cmp(chain[i], chain[j]), want = i < j ? -1 : i > j;

			if (c != want)
				fail_msg("%s vs %s: %d, expected %d", chain[i], chain[j], c, want);
		}
	assert_int_equal(cmp("0.26.0+build.7", "0.26.0"), 0);	/* build metadata ignored */
	assert_int_equal(cmp("v0.40.0", "0.40.0"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		require_semver_cmp(bad[i], "1.0.0", &ok);
		if (ok)
			fail_msg("'%s' taken as a version", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(references),
		cmocka_unit_test(refused_references),
		cmocka_unit_test(formats_and_names),
		cmocka_unit_test(version_precedence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
