/* test_extract_catalogue: the field catalogue against its extractors. Every
 * catalogue field either names an extractor family that has a case for it
 * (each field is extracted on real events of a shared capture, with a
 * thread, an fd and a file, and its family must answer for it) or is
 * marked as one saker cannot provide; every field Falco 0.40 lists for the
 * syscall source is provided; the marked ones are exactly the fields of
 * plugins saker does not load, and a loaded plugin's field of the same
 * name takes their place (compiler/field_reg.h) while the fields saker
 * provides stay its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "compiler/field_reg.h"
#include "compiler/fields.h"
#include "runtime/base/evt.h"
#include "runtime/base/evt_schema.h"
#include "runtime/extract.h"
#include "runtime/scap.h"
#include "state/state.h"

#ifndef SAKER_SHARED_DIR
#define SAKER_SHARED_DIR "/work/shared"
#endif

#define CAPTURE SAKER_SHARED_DIR "/falco/captures/curl_google.scap"
#define FALCO_FIELDS SAKER_SHARED_DIR "/falco/groundtruth/falco-0.40-syscall-fields.txt"

/* A field argument that its form accepts, for the call. */
static const char *arg_for(const struct field_info *fi)
{
	if (!(fi->flags & (FF_ARG_REQUIRED | FF_ARG_OPTIONAL)))
		return NULL;
	return (fi->flags & FF_ARG_INDEX) ? "1" : "HOME";
}

static void test_every_field_has_a_case(void **unused)
{
	struct state_opts so = { .sz = sizeof(so) };
	struct extract_scratch sc = { 0 };
	struct state *st = NULL;
	struct scap_reader *r = NULL;
	struct scap_err err;
	struct scap_cb cb;
	struct evt e;
	uint64_t n = 0, checked = 0;
	(void)unused;

	if (access(CAPTURE, R_OK))
		skip();
	assert_int_equal(state__new(&so, &st), 0);
	scap_seed_cb(st, &cb);
	assert_int_equal(scap_reader__open(CAPTURE, &cb, &r, &err), 0);
	while (scap_reader__next(r, &e, &err) == 0) {
		struct extract_evt x = { .e = &e, .st = st, .num = ++n, .first_ts = 1 };

		if (!e.info)
			continue;
		state__update(st, &e, &x.cur);
		/* events with a thread and an fd: opens, closes, connects */
		if (x.cur.thr && x.cur.fd && e.info->dir == EVD_EXIT) {
			for (size_t i = 0; i < fields_count(); i++) {
				const struct field_info *fi = fields_at(i);
				struct fval v;

				if (!fields_supported(fi))
					continue;
				if (!extract_field_known(&x, fi, arg_for(fi), &sc, &v))
					fail_msg("field %s: its family (%u) has no case for it", fi->name,
						 fi->cls);
			}
			checked++;
		}
		state__post(st);
	}
	assert_true(checked > 50);
	extract_scratch_release(&sc);
	scap_reader__free(r);
	state__free(st);
}

static void test_falco_fields_provided(void **unused)
{
	FILE *f = fopen(FALCO_FIELDS, "r");
	char line[256];
	int n = 0;
	(void)unused;

	if (!f)
		skip();
	while (fgets(line, sizeof(line), f)) {
		const struct field_info *fi;

		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		fi = fields_find(line);
		if (!fi)
			fail_msg("Falco's field %s is not in the catalogue", line);
		if (!fields_supported(fi))
			fail_msg("Falco's field %s has no extractor", line);
		n++;
	}
	fclose(f);
	assert_true(n > 250);
}

static void test_unprovided_are_plugin_fields(void **unused)
{
	(void)unused;
	for (size_t i = 0; i < fields_count(); i++) {
		const struct field_info *fi = fields_at(i);

		if (fields_supported(fi))
			continue;
		if (!(fi->flags & FF_EV_PLUGIN))
			fail_msg("field %s is marked unprovided but is not a plugin's", fi->name);
		if (!strncmp(fi->name, "evt.", 4) || !strncmp(fi->name, "proc.", 5) ||
		    !strncmp(fi->name, "fd.", 3) || !strncmp(fi->name, "container.", 10))
			fail_msg("field %s of a class saker provides is marked unprovided", fi->name);
	}
}

/* A plugin offering k8smeta.pod.name (unprovided in the catalogue) and
 * container.id (provided): syscall rules get the plugin's first, saker's
 * second; the plugin family answers for its field (no value without the
 * plugin's lane). */
static void test_plugin_fields_take_unprovided(void **unused)
{
	struct field_reg *reg;
	struct field_ref ref;
	struct extract_scratch sc = { 0 };
	struct extract_evt x = { 0 };
	struct fval v;
	uint32_t prov;
	char err[256];
	(void)unused;

	assert_int_equal(field_reg__new(&reg), 0);
	assert_int_equal(field_reg__add_provider(reg, "k8smeta", "0.3.0", &prov), 0);
	assert_int_equal(field_reg__add_field(reg, prov, 0, "k8smeta.pod.name", PT_CHARBUF,
					      FF_EV_PLUGIN, "pod", NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(field_reg__add_field(reg, prov, 1, "container.id", PT_CHARBUF,
					      FF_EV_PLUGIN, "id", NULL, 0, err, sizeof(err)), 0);
	assert_false(fields_supported(fields_find("k8smeta.pod.name")));
	assert_int_equal(field_reg_resolve(reg, "syscall", "k8smeta.pod.name", NULL, &ref, err,
					   sizeof(err)), 0);
	assert_int_equal(ref.fi->cls, FC_PLUGIN);
	assert_true(fields_supported(ref.fi) && extract_supported(ref.fi));
	assert_true(extract_field_known(&x, ref.fi, NULL, &sc, &v));
	assert_int_equal(v.kind, FV_NONE);
	assert_int_equal(field_reg_resolve(reg, "syscall", "container.id", NULL, &ref, err,
					   sizeof(err)), 0);
	assert_ptr_equal(ref.fi, fields_find("container.id"));
	field_reg__free(reg);
	extract_scratch_release(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_has_a_case),
		cmocka_unit_test(test_falco_fields_provided),
		cmocka_unit_test(test_unprovided_are_plugin_fields),
		cmocka_unit_test(test_plugin_fields_take_unprovided),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
